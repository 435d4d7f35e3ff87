// End-to-end: the man page hyperoru.1 that the build generates (HYPERORU_DOCS_DIR), read by
// groff, mandoc and man as a user's system would, and the completion scripts the build writes
// next to it, which are what `hyperoru completion SHELL` prints. A missing tool fails the test:
// CI installs them (.ci/run).
#include "cli/app.hpp"
#include "cli/help_text.hpp"
#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

const std::filesystem::path k_docs = HYPERORU_DOCS_DIR;

std::string require_program(const std::string& name, const std::string& package) {
    for (const char* dir : {"/usr/bin/", "/bin/"}) {
        const std::string path = dir + name;
        if (std::filesystem::exists(path)) return path;
    }
    FAIL(name + " is not installed: apt-get install " + package + " (.ci/run installs it for these tests)");
    return {};
}

/// `man -l` the way a user reads it, as plain text (C locale, no pager, no terminal).
Result man(Env& env, const std::filesystem::path& page) {
    env.set("MANPAGER", "cat").set("MANWIDTH", "100").set("LC_ALL", "C");
    return run(env, {require_program("man", "man-db"), "-l", page.string()});
}

}  // namespace

TEST_CASE("e2e: the man page passes groff -ww and mandoc -T lint without a warning") {
    const Env env;
    const auto page = (k_docs / "hyperoru.1").string();
    REQUIRE(std::filesystem::exists(page));
    for (const char* device : {"-Tutf8", "-Tascii"}) {
        INFO(device);
        const auto r = run(env, {require_program("groff", "groff-base"), "-ww", "-man", device, "-z", page});
        CHECK(r.rc == 0);
        CHECK(r.out.empty());
        CHECK(r.err.empty());
    }
    const auto r = run(env, {require_program("mandoc", "mandoc"), "-T", "lint", "-W", "warning", page});
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
}

TEST_CASE("e2e: man -l renders every section, every command and the shared help text") {
    Env env;
    const auto r = man(env, k_docs / "hyperoru.1");
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL OPTIONS",
                                "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"}) {
        INFO(section);
        CHECK(contains(r.out, std::string("\n") + section + "\n"));
    }
    CHECK(contains(r.out,
                   "\nNAME\n       hyperoru - the command-line client for the Hyperoru AI trading API\n"));
    // Each command is a subsection headed by its path.
    for (const auto& path : hyperoru::cli::command_paths()) {
        INFO(path);
        CHECK(contains(r.out, "\n   hyperoru " + path + "\n"));
    }
    CHECK(contains(r.out, "\n   Offline sandbox\n"));
    CHECK(contains(r.out, "\n           hyperoru-sandbox --port 8080 &\n"));
    CHECK(contains(r.out,
                   "\n       -o, --output auto|json|ndjson|table|raw\n"
                   "              output format: auto (table on a terminal, else json), json, ndjson, "
                   "table, raw\n"));
    for (const auto& variable : hyperoru::cli::environment_doc()) {
        INFO(variable.name);
        CHECK(contains(r.out, "\n       " + std::string(variable.name) + "\n              " +
                                  std::string(variable.text) + "\n"));
    }
    for (const auto& file : hyperoru::cli::files_doc()) {
        INFO(file.path);
        CHECK(contains(r.out, "\n       " + std::string(file.path) + "\n"));
    }
    for (const auto& code : hyperoru::cli::exit_codes_doc()) {
        std::string tag = std::to_string(code.code);
        tag.resize(7, ' ');
        INFO(code.code);
        CHECK(contains(r.out, "\n       " + tag + std::string(code.text) + "\n"));
    }
    CHECK(contains(r.out, "\n           hyperoru price BTC --fields price -o ndjson\n"));
}

TEST_CASE("e2e: the build's completion scripts are what hyperoru completion prints") {
    const Env env;
    for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
             {"bash", "hyperoru.bash"}, {"zsh", "_hyperoru"}, {"fish", "hyperoru.fish"}}) {
        INFO(shell);
        const auto r = cli(env, {"completion", shell});
        CHECK(r.rc == 0);
        CHECK(r.err.empty());
        CHECK(r.out == read_text(k_docs / file));
    }
}
