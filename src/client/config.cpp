// The config store: a JSON file read tolerantly, rewritten atomically under a lock file.
// The write path follows ccache's AtomicFile and LockFile: temp file in the same directory,
// fsync, rename, fsync of the directory; the lock is a separate file that is never removed.
#include "hyperoru/config.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "client/config_io.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru {

namespace detail {

ConfigFileOps& config_file_ops() noexcept {
    static ConfigFileOps ops{::write, ::fsync, ::rename};
    return ops;
}

}  // namespace detail

namespace {

// Ordered, so that a rewrite keeps the user's key order and the diff stays minimal.
using Json = nlohmann::ordered_json;
using std::filesystem::path;

// std::generic_category() instead of strerror(): it is thread-safe, and update() may run on
// several threads at once.
std::string errno_text(int error) {
    return std::generic_category().message(error);
}

ConfigError read_error(const path& file, int error) {
    return ConfigError("cannot read config file " + file.string() + ": " + errno_text(error));
}

// `step` is a string_view so that building the arguments never allocates, which could change
// errno before it is read.
ConfigError write_error(const path& file, std::string_view step, int error) {
    return ConfigError("cannot write config file " + file.string() + ": " + std::string(step) + ": " +
                       errno_text(error));
}

[[noreturn]] void corrupt(const path& file, const std::string& reason) {
    throw ConfigError("config file " + file.string() + " is corrupt: " + reason + "; fix or remove it");
}

/// Owns a file descriptor. The destructor ignores close()'s result; where it matters (the temp
/// file, whose delayed write errors close may report) the caller calls close() itself.
class UniqueFd {
public:
    explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
    ~UniqueFd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return m_fd; }
    bool valid() const noexcept { return m_fd >= 0; }
    /// Closes now; returns close(2)'s result. Not retried on EINTR: on Linux the fd is gone.
    int close() noexcept { return ::close(std::exchange(m_fd, -1)); }

private:
    int m_fd;
};

/// An exclusive flock(2) on the lock file, released when the fd closes. flock locks belong to
/// the open file description, so each holder opens the file itself and two threads of one
/// process exclude each other just as two processes do. The lock file is never unlinked:
/// removing it while another writer waits on the old inode would let two writers in at once.
class FileLock {
public:
    FileLock(const path& lock_file, const path& file)
        : m_fd(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) {
        const auto fail = [&](int error) { return write_error(file, "lock " + lock_file.string(), error); };
        // O_NOFOLLOW: a link planted as the lock file must not make the fchmod below re-mode
        // (or the O_CREAT create) a file somewhere else.
        if (!m_fd.valid() && errno == ELOOP) {
            throw ConfigError("refusing the lock file " + lock_file.string() +
                              ": it is a symbolic link (remove it; hyperoru creates its own)");
        }
        if (!m_fd.valid()) throw fail(errno);
        // open() applies the umask to 0600, which can only remove bits; fchmod also tightens a
        // lock file that an older version or the user created with a looser mode.
        if (::fchmod(m_fd.get(), 0600) != 0) throw fail(errno);
        while (::flock(m_fd.get(), LOCK_EX) != 0) {
            if (errno != EINTR) throw fail(errno);
        }
    }

private:
    UniqueFd m_fd;
};

/// Unlinks the temp file when the write fails before the rename has consumed it.
class TempFileRemover {
public:
    explicit TempFileRemover(std::string name) : m_name(std::move(name)) {}
    ~TempFileRemover() {
        if (m_armed) ::unlink(m_name.c_str());
    }
    TempFileRemover(const TempFileRemover&) = delete;
    TempFileRemover& operator=(const TempFileRemover&) = delete;
    void disarm() noexcept { m_armed = false; }

private:
    std::string m_name;
    bool m_armed = true;
};

/// The whole file, or nullopt when it does not exist.
std::optional<std::string> read_file(const path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) return std::nullopt;
        throw read_error(file, errno);
    }
    std::string text;
    std::array<char, 16384> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw read_error(file, errno);
        }
        if (n == 0) return text;
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
}

Json parse_document(const path& file, const std::optional<std::string>& text) {
    // A 0-byte file reads as an empty config: a crash in another tool between creating and
    // writing the file leaves one, and it holds nothing to lose. Whitespace-only text is not
    // such a leftover, so it falls through to the parser and is reported as corrupt.
    if (!text || text->empty()) return Json::object();
    Json doc;
    try {
        doc = Json::parse(*text);
    } catch (const Json::exception& e) {
        // Drop the "[json.exception.parse_error.101] " prefix; the rest says where and what.
        const std::string what = e.what();
        const auto end = what.find("] ");
        corrupt(file, end == std::string::npos ? what : what.substr(end + 2));
    }
    if (!doc.is_object())
        corrupt(file, std::string("the document is ") + doc.type_name() + ", not an object");
    return doc;
}

struct ContextField {
    const char* key;
    std::optional<std::string> ContextConfig::*member;
};

// The known keys of a context, in the order a new context is written.
constexpr std::array<ContextField, 7> k_context_fields{{
    {"base_url", &ContextConfig::base_url},
    {"session_token", &ContextConfig::session_token},
    {"email", &ContextConfig::email},
    {"username", &ContextConfig::username},
    {"expires_at", &ContextConfig::expires_at},
    {"issued_at", &ContextConfig::issued_at},
    {"token_rejected_at", &ContextConfig::token_rejected_at},
}};

/// A known string field: absent or null is nullopt; any other non-string makes the file corrupt.
std::optional<std::string> string_field(const Json& object, const char* key, const path& file,
                                        const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        corrupt(file, where + key + " is " + it->type_name() + ", not a string");
    }
    return it->get<std::string>();
}

Config decode(const Json& doc, const path& file) {
    Config config;
    config.current_context = string_field(doc, "current_context", file, "");
    const auto contexts = doc.find("contexts");
    if (contexts == doc.end() || contexts->is_null()) return config;
    if (!contexts->is_object()) {
        corrupt(file, std::string("contexts is ") + contexts->type_name() + ", not an object");
    }
    for (const auto& [name, value] : contexts->items()) {
        const std::string where = "contexts." + name;
        if (!value.is_object()) {
            corrupt(file, where + " is " + value.type_name() + ", not an object");
        }
        ContextConfig& context = config.contexts[name];
        for (const auto& field : k_context_fields) {
            context.*field.member = string_field(value, field.key, file, where + ".");
        }
    }
    return config;
}

void set_or_erase(Json& object, const char* key, const std::optional<std::string>& value) {
    if (value) {
        object[key] = *value;
    } else {
        object.erase(key);
    }
}

/// Writes the known fields of `config` onto the document it was decoded from, so that unknown
/// keys and the order of existing keys survive; new keys go at the end.
void apply_known_fields(const Config& config, Json& doc) {
    set_or_erase(doc, "current_context", config.current_context);
    Json& contexts = doc["contexts"];
    if (!contexts.is_object()) contexts = Json::object();  // was absent or null
    for (auto it = contexts.begin(); it != contexts.end();) {
        it = config.contexts.count(it.key()) == 0 ? contexts.erase(it) : std::next(it);
    }
    for (const auto& [name, context] : config.contexts) {
        Json& entry = contexts[name];
        if (!entry.is_object()) entry = Json::object();  // a new context
        for (const auto& field : k_context_fields) {
            set_or_erase(entry, field.key, context.*field.member);
        }
    }
}

/// Creates the config directory with mode 0700 if it is missing. Missing parents are created
/// with mode 0700 minus the umask: never wider, so even under umask 000 no directory on the way
/// to the token is writable by others (as `mkdir -p` would make it). A directory that already
/// exists keeps its mode: it is the user's choice.
void ensure_directory(path directory, const path& file) {
    if (!directory.has_filename()) directory = directory.parent_path();  // a trailing slash
    for (int attempt = 0;; ++attempt) {
        if (::mkdir(directory.c_str(), 0700) == 0) {
            // mkdir applied the umask; chmod makes the mode exactly 0700 whatever the umask.
            if (::chmod(directory.c_str(), 0700) != 0) {
                throw write_error(file, "chmod of the directory", errno);
            }
            return;
        }
        if (errno == EEXIST) return;
        if (errno != ENOENT || attempt > 0 || directory.parent_path().empty()) {
            throw write_error(file, "create the directory", errno);
        }
        path prefix;
        for (const auto& part : directory.parent_path()) {
            prefix /= part;
            if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
                throw write_error(file, "create the parent directory " + prefix.string(), errno);
            }
        }
    }
}

/// Refuses a config directory that others could use to swap the file holding the token: one
/// owned by another user (also through a symbolic link that another user owns), or writable by
/// group or others. A directory that does not exist yet is fine (ensure_directory makes it 0700).
void check_directory_safe(const path& directory, const path& file) {
    struct stat link {};
    if (::lstat(directory.c_str(), &link) != 0) {
        if (errno == ENOENT) return;
        throw read_error(file, errno);
    }
    const uid_t me = ::geteuid();
    if (S_ISLNK(link.st_mode) && link.st_uid != me && link.st_uid != 0) {
        throw ConfigError("refusing the config directory " + directory.string() +
                          ": it is a symbolic link owned by another user (uid " +
                          std::to_string(link.st_uid) + ")");
    }
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0) throw read_error(file, errno);
    if (info.st_uid != me) {
        throw ConfigError("refusing the config directory " + directory.string() +
                          ": it is owned by another user (uid " + std::to_string(info.st_uid) +
                          "), who could replace the file that holds your token");
    }
    if ((info.st_mode & 022) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        throw ConfigError("refusing the config directory " + directory.string() + ": it is writable by " +
                          ((info.st_mode & 002) != 0 ? "others" : "its group") + " (mode " + mode +
                          "), who could replace the file that holds your token; run 'chmod 700 " +
                          directory.string() + "'");
    }
}

/// Removes the temp files of writes that never finished (a process killed between creating its
/// temp file and the rename): each may hold every token of the config file. Called under the
/// lock, so no live writer's file is touched; one younger than a minute is left alone all the
/// same, in case a writer of an older version that takes no lock is at work.
void remove_stale_temp_files(const path& directory) {
    std::error_code ec;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with("config.json.tmp.") || !it->is_regular_file(ec)) continue;
        const auto written = std::filesystem::last_write_time(it->path(), ec);
        if (!ec && now - written > std::chrono::minutes(1)) std::filesystem::remove(it->path(), ec);
    }
}

/// Replaces `file` with `text` so that a reader sees the old file or the new one, never a mix,
/// and a crash after return cannot lose the new one. On failure the old file is intact and the
/// temp file is gone.
void write_atomically(const path& directory, const path& file, const std::string& text) {
    const detail::ConfigFileOps& ops = detail::config_file_ops();
    // Opened first, so that nothing but its fsync can fail once the rename is done.
    const UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) throw write_error(file, "open the directory", errno);

    std::string temp_name = (directory / "config.json.tmp.XXXXXX").string();
    UniqueFd fd(::mkostemp(temp_name.data(), O_CLOEXEC));
    if (!fd.valid()) throw write_error(file, "create a temp file", errno);
    TempFileRemover remover(temp_name);
    // glibc's mkstemp already uses 0600; say it explicitly so the mode (which rename carries
    // over to config.json) never depends on the libc, the umask or the old file's mode.
    if (::fchmod(fd.get(), 0600) != 0) throw write_error(file, "fchmod", errno);

    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ops.write(fd.get(), data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw write_error(file, "write", n < 0 ? errno : EIO);
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (ops.fsync(fd.get()) != 0) throw write_error(file, "fsync", errno);
    if (fd.close() != 0) throw write_error(file, "close", errno);
    if (ops.rename(temp_name.c_str(), file.c_str()) != 0) {
        throw write_error(file, "rename", errno);
    }
    remover.disarm();
    // Makes the rename itself durable. Some file systems cannot sync a directory (EINVAL);
    // there is nothing more to do on those.
    if (ops.fsync(dir.get()) != 0 && errno != EINVAL) {
        const int error = errno;
        throw ConfigError("config file " + file.string() +
                          " was replaced, but syncing its directory failed: " + errno_text(error));
    }
}

std::optional<std::string> non_empty(const EnvLookup& env, const char* name) {
    auto value = env(name);
    if (value && value->empty()) return std::nullopt;
    return value;
}

}  // namespace

std::filesystem::path config_directory(const EnvLookup& env) {
    if (auto dir = non_empty(env, "HYPERORU_CONFIG_DIR")) return *dir;
    // The XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
    if (auto xdg = non_empty(env, "XDG_CONFIG_HOME"); xdg && path(*xdg).is_absolute()) {
        return path(*xdg) / "hyperoru";
    }
    if (auto home = non_empty(env, "HOME")) return path(*home) / ".config" / "hyperoru";
    throw ConfigError("cannot find the config directory: set HYPERORU_CONFIG_DIR or HOME");
}

ConfigStore::ConfigStore(std::filesystem::path directory) : m_directory(std::move(directory)) {}

// No lock: writers replace the file by rename, so a reader always sees a whole file.
Config ConfigStore::load() const {
    const path config_file = file();
    check_directory_safe(m_directory, config_file);
    return decode(parse_document(config_file, read_file(config_file)), config_file);
}

void ConfigStore::update(const std::function<void(Config&)>& edit) {
    const path config_file = file();
    ensure_directory(m_directory, config_file);
    check_directory_safe(m_directory, config_file);
    const FileLock lock(m_directory / "config.json.lock", config_file);
    remove_stale_temp_files(m_directory);
    // Re-read under the lock: the file may have changed since any earlier load().
    Json doc = parse_document(config_file, read_file(config_file));
    Config config = decode(doc, config_file);
    edit(config);
    apply_known_fields(config, doc);
    std::string text;
    try {
        text = doc.dump(2) + "\n";
    } catch (const Json::exception& e) {  // e.g. a string that is not valid UTF-8
        throw ConfigError("cannot write config file " + config_file.string() + ": " + e.what());
    }
    write_atomically(m_directory, config_file, text);
}

}  // namespace hyperoru
