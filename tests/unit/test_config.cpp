// The config store as a user meets it: what ends up on disk, with which modes, and what
// survives corruption, failed writes and concurrent writers.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/config_io.hpp"
#include "hyperoru/config.hpp"
#include "hyperoru/errors.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using hyperoru::Config;
using hyperoru::ConfigError;
using hyperoru::ConfigStore;
using hyperoru::ContextConfig;
using hyperoru::test::TempDir;

namespace {

std::string read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
    REQUIRE(out.flush());
}

unsigned mode_of(const fs::path& file) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return st.st_mode & 07777u;
}

int temp_files_in(const fs::path& dir) {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind("config.json.tmp.", 0) == 0) ++count;
    }
    return count;
}

/// The message of the ConfigError that `action` throws; fails the test if it throws none.
template <typename Action>
std::string config_error_of(Action&& action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("no ConfigError was thrown");
    return {};
}

/// Sets the process umask for one scope; umask is process-wide, and Catch2 runs tests serially.
class UmaskScope {
public:
    explicit UmaskScope(mode_t mask) : m_old(::umask(mask)) {}
    ~UmaskScope() { ::umask(m_old); }
    UmaskScope(const UmaskScope&) = delete;
    UmaskScope& operator=(const UmaskScope&) = delete;

private:
    mode_t m_old;
};

/// Swaps the store's write/fsync/rename for one scope, restoring the real ones afterwards.
class FileOpsScope {
public:
    FileOpsScope() : m_saved(hyperoru::detail::config_file_ops()) {}
    ~FileOpsScope() { hyperoru::detail::config_file_ops() = m_saved; }
    FileOpsScope(const FileOpsScope&) = delete;
    FileOpsScope& operator=(const FileOpsScope&) = delete;
    hyperoru::detail::ConfigFileOps& ops() { return hyperoru::detail::config_file_ops(); }

private:
    hyperoru::detail::ConfigFileOps m_saved;
};

hyperoru::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

ContextConfig full_context(const std::string& suffix) {
    return {"https://api" + suffix + ".example",
            "token-" + suffix,
            suffix + "@example.com",
            "user-" + suffix,
            "2030-01-01T00:00:00Z",
            "2024-05-06T07:08:09Z",
            "2024-06-01T00:00:00Z"};
}

bool same(const ContextConfig& a, const ContextConfig& b) {
    return a.base_url == b.base_url && a.session_token == b.session_token && a.email == b.email &&
           a.username == b.username && a.expires_at == b.expires_at && a.issued_at == b.issued_at &&
           a.token_rejected_at == b.token_rejected_at;
}

}  // namespace

TEST_CASE("a missing config file loads as an empty config and is not created", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path() / "hyperoru");
    const Config config = store.load();
    CHECK_FALSE(config.current_context);
    CHECK(config.contexts.empty());
    CHECK_FALSE(fs::exists(tmp.path() / "hyperoru"));
}

TEST_CASE("every field round-trips, in the documented format", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    store.update([](Config& config) {
        config.current_context = "prod";
        config.contexts["prod"] = full_context("p");
        config.contexts["dev"].base_url = "http://127.0.0.1:8080";
    });
    const Config loaded = store.load();
    CHECK(loaded.current_context == "prod");
    REQUIRE(loaded.contexts.size() == 2);
    CHECK(same(loaded.contexts.at("prod"), full_context("p")));
    CHECK(same(loaded.contexts.at("dev"), ContextConfig{"http://127.0.0.1:8080", {}, {}, {}, {}, {}, {}}));
    CHECK(read_bytes(store.file()) == R"({
  "current_context": "prod",
  "contexts": {
    "dev": {
      "base_url": "http://127.0.0.1:8080"
    },
    "prod": {
      "base_url": "https://apip.example",
      "session_token": "token-p",
      "email": "p@example.com",
      "username": "user-p",
      "expires_at": "2030-01-01T00:00:00Z",
      "issued_at": "2024-05-06T07:08:09Z",
      "token_rejected_at": "2024-06-01T00:00:00Z"
    }
  }
}
)");
}

TEST_CASE("unknown keys and key order survive an update", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    write_bytes(store.file(), R"({"zeta": [1, 2.5, "x"],
        "contexts": {"default": {"proxy": {"host": "p"}, "session_token": "old",
                                 "base_url": "https://a.example"}},
        "current_context": "default"})");
    store.update([](Config& config) { config.contexts["default"].session_token = "new"; });
    CHECK(read_bytes(store.file()) == R"({
  "zeta": [
    1,
    2.5,
    "x"
  ],
  "contexts": {
    "default": {
      "proxy": {
        "host": "p"
      },
      "session_token": "new",
      "base_url": "https://a.example"
    }
  },
  "current_context": "default"
}
)");
}

TEST_CASE("a removed context and a removed field disappear from the file", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    store.update([](Config& config) {
        config.current_context = "a";
        config.contexts["a"] = full_context("a");
        config.contexts["b"] = full_context("b");
    });
    store.update([](Config& config) {
        config.current_context.reset();
        config.contexts.erase("b");
        config.contexts["a"].session_token.reset();
    });
    const std::string text = read_bytes(store.file());
    CHECK(text.find("current_context") == std::string::npos);
    CHECK(text.find("\"b\"") == std::string::npos);
    CHECK(text.find("session_token") == std::string::npos);
    ContextConfig expected = full_context("a");
    expected.session_token.reset();
    const Config loaded = store.load();
    REQUIRE(loaded.contexts.size() == 1);
    CHECK(same(loaded.contexts.at("a"), expected));
}

TEST_CASE("the file is 0600 and a directory it creates 0700, whatever the umask", "[config]") {
    // 0277 takes the owner's write bit: only an explicit chmod gets the directory to 0700.
    const mode_t mask = GENERATE(mode_t{0}, mode_t{022}, mode_t{0277});
    CAPTURE(mask);
    TempDir tmp;
    const UmaskScope umask_scope(mask);
    SECTION("a new directory, and its missing parents (never wider than 0700)") {
        // Parents made under 0277 would be read-only to their owner; skip that combination.
        const fs::path dir =
            mask == 0277 ? tmp.path() / "hyperoru" : tmp.path() / "home" / ".config" / "hyperoru";
        ConfigStore store(dir);
        store.update([](Config& config) { config.contexts["c"].session_token = "s"; });
        CHECK(mode_of(store.directory()) == 0700u);
        if (mask != 0277) {
            CHECK(mode_of(tmp.path() / "home") == (0700u & ~mask));
            CHECK(mode_of(tmp.path() / "home" / ".config") == (0700u & ~mask));
        }
        CHECK(mode_of(store.file()) == 0600u);
        CHECK(mode_of(store.directory() / "config.json.lock") == 0600u);
        CHECK(store.load().contexts.at("c").session_token == "s");
    }
    SECTION("an existing directory keeps its mode; a loose old file becomes 0600") {
        const fs::path dir = tmp.path() / "mine";
        REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
        REQUIRE(::chmod(dir.c_str(), 0755) == 0);
        write_bytes(dir / "config.json", "{}");
        REQUIRE(::chmod((dir / "config.json").c_str(), 0644) == 0);
        ConfigStore store(dir);
        store.update([](Config& config) { config.current_context = "c"; });
        CHECK(mode_of(dir) == 0755u);
        CHECK(mode_of(store.file()) == 0600u);
    }
}

TEST_CASE("a corrupt file is reported with its path and never modified", "[config]") {
    const std::string bytes = GENERATE(as<std::string>{}, "{", "  \n", "[]", "null", R"({"contexts": 5})",
                                       R"({"current_context": true})", R"({"contexts": {"d": []}})",
                                       R"({"contexts": {"d": {"session_token": 42}}})");
    CAPTURE(bytes);
    TempDir tmp;
    ConfigStore store(tmp.path());
    write_bytes(store.file(), bytes);
    const std::string path = store.file().string();

    const std::string on_load = config_error_of([&] { store.load(); });
    CHECK_THAT(on_load,
               Catch::Contains(path) && Catch::Contains("is corrupt") && Catch::Contains("fix or remove it"));
    bool edited = false;
    const std::string on_update = config_error_of([&] { store.update([&](Config&) { edited = true; }); });
    CHECK_THAT(on_update, Catch::Contains(path) && Catch::Contains("is corrupt"));
    CHECK_FALSE(edited);
    CHECK(read_bytes(store.file()) == bytes);
    CHECK(temp_files_in(tmp.path()) == 0);
}

TEST_CASE("wrong types name the offending key", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    write_bytes(store.file(), R"({"contexts": {"d": {"session_token": 42}}})");
    CHECK_THAT(config_error_of([&] { store.load(); }),
               Catch::Contains("contexts.d.session_token is number, not a string"));
}

TEST_CASE("a 0-byte file is an empty config, and update fills it", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    write_bytes(store.file(), "");
    CHECK(store.load().contexts.empty());
    store.update([](Config& config) { config.current_context = "x"; });
    CHECK(store.load().current_context == "x");
}

TEST_CASE("an unreadable config file is an error naming the path", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    // A directory where the file should be: read() fails with EISDIR even for root.
    fs::create_directory(store.file());
    CHECK_THAT(config_error_of([&] { store.load(); }),
               Catch::Contains("cannot read config file " + store.file().string()) &&
                   Catch::Contains("Is a directory"));
}

TEST_CASE("a failed write leaves the old file intact and no temp file", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    store.update([](Config& config) { config.contexts["keep"] = full_context("k"); });
    const std::string before = read_bytes(store.file());

    FileOpsScope scope;
    std::string expected;
    SECTION("the disk fills up after a partial write") {
        // Captureless, to fit the function pointer: the first call writes a few bytes, the
        // next fails, as write(2) does when the disk fills mid-file.
        static int calls;
        calls = 0;
        scope.ops().write = [](int fd, const void* data, std::size_t) -> ssize_t {
            if (calls++ == 0) return ::write(fd, data, 3);
            errno = ENOSPC;
            return -1;
        };
        expected = "No space left on device";
    }
    SECTION("fsync fails") {
        scope.ops().fsync = [](int) {
            errno = EIO;
            return -1;
        };
        expected = "Input/output error";
    }
    SECTION("rename fails") {
        scope.ops().rename = [](const char*, const char*) {
            errno = EXDEV;
            return -1;
        };
        expected = "Invalid cross-device link";
    }
    const std::string message = config_error_of(
        [&] { store.update([](Config& config) { config.contexts["keep"].email = "changed"; }); });
    CHECK_THAT(message, Catch::Contains("cannot write config file " + store.file().string()) &&
                            Catch::Contains(expected));
    CHECK(read_bytes(store.file()) == before);
    CHECK(temp_files_in(tmp.path()) == 0);
}

TEST_CASE("an edit that throws changes nothing", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    store.update([](Config& config) { config.current_context = "a"; });
    const std::string before = read_bytes(store.file());
    CHECK_THROWS_AS(store.update([](Config&) { throw std::runtime_error("no"); }), std::runtime_error);
    CHECK(read_bytes(store.file()) == before);
    CHECK(temp_files_in(tmp.path()) == 0);
}

TEST_CASE("the lock serialises concurrent read-modify-write cycles", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    const fs::path lock_file = tmp.path() / "config.json.lock";

    SECTION("another open file description cannot take the lock during an update") {
        int during = -1;
        store.update([&](Config&) {
            // A second open() is a second open file description, as another thread's is.
            const int fd = ::open(lock_file.c_str(), O_RDWR | O_CLOEXEC);
            if (fd < 0) return;
            during = ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
            ::close(fd);
        });
        CHECK(during == EWOULDBLOCK);
        const int fd = ::open(lock_file.c_str(), O_RDWR | O_CLOEXEC);
        REQUIRE(fd >= 0);
        CHECK(::flock(fd, LOCK_EX | LOCK_NB) == 0);  // released once update() returns
        ::close(fd);
    }
    SECTION("8 threads x 10 increments lose none") {
        constexpr int k_threads = 8;
        constexpr int k_rounds = 10;
        // Catch2 assertions are not thread-safe: threads only record what went wrong.
        std::vector<std::exception_ptr> errors(k_threads);
        std::vector<std::thread> threads;
        for (int t = 0; t < k_threads; ++t) {
            threads.emplace_back([&store, &errors, t] {
                try {
                    for (int round = 0; round < k_rounds; ++round) {
                        store.update([t](Config& config) {
                            auto bump = [](std::optional<std::string>& counter) {
                                counter = std::to_string(std::stoi(counter.value_or("0")) + 1);
                            };
                            bump(config.contexts["shared"].username);
                            bump(config.contexts["t" + std::to_string(t)].username);
                        });
                    }
                } catch (...) {
                    errors[static_cast<std::size_t>(t)] = std::current_exception();
                }
            });
        }
        for (auto& thread : threads) thread.join();
        for (const auto& error : errors) {
            if (error) std::rethrow_exception(error);
        }
        const Config config = store.load();
        CHECK(config.contexts.at("shared").username.value_or("none") == std::to_string(k_threads * k_rounds));
        for (int t = 0; t < k_threads; ++t) {
            CHECK(config.contexts.at("t" + std::to_string(t)).username.value_or("none") ==
                  std::to_string(k_rounds));
        }
        CHECK(temp_files_in(tmp.path()) == 0);
    }
}

TEST_CASE("config_directory follows HYPERORU_CONFIG_DIR, XDG_CONFIG_HOME, HOME", "[config]") {
    using hyperoru::config_directory;
    CHECK(config_directory(env_of(
              {{"HYPERORU_CONFIG_DIR", "rel/dir"}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/home/u"}})) ==
          "rel/dir");
    CHECK(config_directory(
              env_of({{"HYPERORU_CONFIG_DIR", ""}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/home/u"}})) ==
          "/xdg/hyperoru");
    // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    CHECK(config_directory(env_of({{"XDG_CONFIG_HOME", "xdg"}, {"HOME", "/home/u"}})) ==
          "/home/u/.config/hyperoru");
    CHECK(config_directory(env_of({{"XDG_CONFIG_HOME", ""}, {"HOME", "/home/u"}})) ==
          "/home/u/.config/hyperoru");
    CHECK(config_directory(env_of({{"XDG_CONFIG_HOME", "/xdg"}})) == "/xdg/hyperoru");
}

TEST_CASE("config_directory without HOME or an override is an error", "[config]") {
    using hyperoru::config_directory;
    const auto env = GENERATE(values<std::map<std::string, std::string>>(
        {{}, {{"HOME", ""}}, {{"XDG_CONFIG_HOME", "xdg"}}, {{"HYPERORU_CONFIG_DIR", ""}}}));
    CHECK(config_error_of([&] { config_directory(env_of(env)); }) ==
          "cannot find the config directory: set HYPERORU_CONFIG_DIR or HOME");
}

TEST_CASE("a lock file that is a symbolic link is refused and its target left untouched", "[config]") {
    TempDir dir;
    const auto config_dir = dir.path() / "hyperoru";
    REQUIRE(::mkdir(config_dir.c_str(), 0700) == 0);
    const auto victim = dir.path() / "victim.txt";
    write_bytes(victim, "mine\n");
    REQUIRE(::chmod(victim.c_str(), 0644) == 0);
    std::filesystem::create_symlink(victim, config_dir / "config.json.lock");
    const auto elsewhere = dir.path() / "created-elsewhere";

    ConfigStore store(config_dir);
    CHECK(config_error_of([&] { store.update([](Config& c) { c.current_context = "x"; }); }) ==
          "refusing the lock file " + (config_dir / "config.json.lock").string() +
              ": it is a symbolic link (remove it; hyperoru creates its own)");
    CHECK(mode_of(victim) == 0644u);
    std::ifstream in(victim);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "mine\n");
    CHECK_FALSE(std::filesystem::exists(config_dir / "config.json"));

    // A dangling link: nothing is created where it points.
    std::filesystem::remove(config_dir / "config.json.lock");
    std::filesystem::create_symlink(elsewhere, config_dir / "config.json.lock");
    CHECK_THAT(config_error_of([&] { store.update([](Config& c) { c.current_context = "x"; }); }),
               Catch::Contains("it is a symbolic link"));
    CHECK_FALSE(std::filesystem::exists(elsewhere));
}

TEST_CASE("a config directory others could write to, or owned by another user, is refused", "[config]") {
    TempDir dir;
    const auto config_dir = dir.path() / "hyperoru";
    REQUIRE(::mkdir(config_dir.c_str(), 0700) == 0);
    ConfigStore store(config_dir);
    store.update([](Config& c) { c.current_context = "default"; });

    REQUIRE(::chmod(config_dir.c_str(), 0777) == 0);
    const std::string by_others = "refusing the config directory " + config_dir.string() +
                                  ": it is writable by others (mode 0777), who could replace the file that "
                                  "holds your token; run 'chmod 700 " +
                                  config_dir.string() + "'";
    CHECK(config_error_of([&] { store.load(); }) == by_others);
    CHECK(config_error_of([&] { store.update([](Config& c) { c.current_context = "x"; }); }) == by_others);

    REQUIRE(::chmod(config_dir.c_str(), 0770) == 0);
    CHECK_THAT(config_error_of([&] { store.load(); }), Catch::Contains("writable by its group (mode 0770)"));

    REQUIRE(::chmod(config_dir.c_str(), 0700) == 0);
    CHECK(store.load().current_context == "default");

    // Another user's directory: as root, one chowned away; otherwise "/", which root owns.
    std::filesystem::path foreign = "/";
    if (::geteuid() == 0) {
        foreign = dir.path() / "foreign";
        REQUIRE(::mkdir(foreign.c_str(), 0700) == 0);
        REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
    }
    CHECK_THAT(config_error_of([&] { ConfigStore(foreign).load(); }),
               Catch::StartsWith("refusing the config directory " + foreign.string() +
                                 ": it is owned by another user (uid "));
}

TEST_CASE("temp files left by a killed write are removed at the next write, once a minute old", "[config]") {
    TempDir tmp;
    ConfigStore store(tmp.path());
    store.update([](Config& c) { c.current_context = "default"; });
    const auto stale = tmp.path() / "config.json.tmp.AbC123";
    const auto fresh = tmp.path() / "config.json.tmp.XyZ789";
    const auto other = tmp.path() / "notes.tmp";
    for (const auto& file : {stale, fresh, other})
        write_bytes(file, R"({"contexts":{"a":{"session_token":"t"}}})");
    fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::minutes(2));
    fs::last_write_time(other, fs::file_time_type::clock::now() - std::chrono::minutes(2));

    store.update([](Config& c) { c.current_context = "x"; });
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(fresh));  // maybe a writer at work
    CHECK(fs::exists(other));  // not ours
    CHECK(temp_files_in(tmp.path()) == 1);
}
