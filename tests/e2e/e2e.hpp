#pragma once
// Shared helpers of the end-to-end tests: the real hyperoru binary run as a child process (or
// under a pseudo-terminal) with a minimal environment around a fresh config directory, and the
// stand-in's request log turned into text, so that a whole exchange is compared in one CHECK
// with a readable diff.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "support/process.hpp"
#include "support/standin.hpp"
#include "support/temp_dir.hpp"

namespace e2e {

using hyperoru::test::k_standin_token;
using hyperoru::test::LoggedRequest;
using hyperoru::test::PtyResult;
using hyperoru::test::PtyStep;
using hyperoru::test::StandIn;
using hyperoru::test::TempDir;
using namespace std::chrono_literals;

/// A fresh temporary directory that is both HOME and HYPERORU_CONFIG_DIR, and the child's whole
/// environment: nothing is inherited from the test runner (no HYPERORU_* in particular).
class Env {
public:
    Env() {
        vars["PATH"] = "/usr/bin:/bin";
        vars["HOME"] = m_dir.path().string();
        vars["HYPERORU_CONFIG_DIR"] = m_dir.path().string();
    }
    const std::filesystem::path& dir() const noexcept { return m_dir.path(); }
    std::filesystem::path config_dir() const { return vars.at("HYPERORU_CONFIG_DIR"); }
    std::filesystem::path config_file() const { return config_dir() / "config.json"; }
    Env& set(const std::string& name, const std::string& value) {
        vars[name] = value;
        return *this;
    }

    std::map<std::string, std::string> vars;

private:
    TempDir m_dir;
};

struct Result {
    int rc = -1;
    std::string out;
    std::string err;
};

/// Runs any program with the environment of `env`, stdin/stdout/stderr being pipes.
inline Result run(const Env& env, std::vector<std::string> argv, std::string stdin_data = "",
                  std::chrono::milliseconds timeout = 20s) {
    hyperoru::test::ProcessOptions options;
    options.argv = std::move(argv);
    options.env = env.vars;
    options.stdin_data = std::move(stdin_data);
    options.timeout = timeout;
    const auto result = hyperoru::test::run_process(options);
    return {result.exit_code, result.out, result.err};
}

/// Runs `hyperoru args...` (the real binary), off a terminal.
inline Result cli(const Env& env, std::vector<std::string> args, std::string stdin_data = "",
                  std::chrono::milliseconds timeout = 20s) {
    args.insert(args.begin(), HYPERORU_BINARY);
    return run(env, std::move(args), std::move(stdin_data), timeout);
}

/// A terminal turns "\n" into "\r\n"; the expectations are written with "\n".
inline std::string normalise_newlines(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        out += text[i];
    }
    return out;
}

/// Runs `hyperoru args...` on a pseudo-terminal, plays `dialogue`; the output has "\n" endings.
/// TERM is "dumb" (no colour) unless `env` sets it.
inline PtyResult cli_pty(const Env& env, std::vector<std::string> args,
                         const std::vector<PtyStep>& dialogue = {}) {
    args.insert(args.begin(), HYPERORU_BINARY);
    auto vars = env.vars;
    vars.try_emplace("TERM", "dumb");
    auto result = hyperoru::test::run_in_pty(args, vars, dialogue);
    result.output = normalise_newlines(result.output);
    return result;
}

inline std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Permission bits of a file or directory, as stat(2) reports them.
inline unsigned mode_of(const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return static_cast<unsigned>(info.st_mode) & 07777u;
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// UTC time as ISO 8601 with seconds, like the issued_at hyperoru writes. Computed with the C
/// library (gmtime_r, strftime), independently of the chrono code the product uses.
inline std::string iso_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

// ------------------------------------------------------------------------- expected requests

/// What a test expects the stand-in to have logged for one request.
struct Expect {
    std::string method;
    std::string target;                        ///< path, plus "?query" when there is one
    std::optional<std::string> authorization;  ///< nullopt: the header must be absent
    std::optional<std::string> content_type;   ///< nullopt: the header must be absent
    std::string body;
};

inline std::string bearer(const std::string& token) {
    return "Bearer " + token;
}

inline Expect get(std::string target, std::optional<std::string> authorization = std::nullopt) {
    return {"GET", std::move(target), std::move(authorization), std::nullopt, ""};
}

inline Expect post_json(std::string target, std::optional<std::string> authorization, std::string body) {
    return {"POST", std::move(target), std::move(authorization), "application/json", std::move(body)};
}

inline Expect post_empty(std::string target, std::optional<std::string> authorization) {
    return {"POST", std::move(target), std::move(authorization), std::nullopt, ""};
}

inline std::string describe_one(const std::string& method, const std::string& target,
                                const std::optional<std::string>& authorization,
                                const std::optional<std::string>& content_type,
                                const std::optional<std::string>& accept, const std::string& body) {
    const auto header = [](const char* name, const std::optional<std::string>& value) {
        return value ? std::string(name) + ": " + *value + "\n" : std::string("(no ") + name + ")\n";
    };
    return method + " " + target + "\n" + header("Authorization", authorization) +
           header("Content-Type", content_type) + header("Accept", accept) + "body[" +
           std::to_string(body.size()) + "]: " + body + "\n";
}

/// The log as text: method, target, Authorization, Content-Type, Accept and the body bytes.
inline std::string describe(const std::vector<LoggedRequest>& requests) {
    std::string text;
    for (const auto& r : requests) {
        text += describe_one(r.method, r.query.empty() ? r.path : r.path + "?" + r.query,
                             r.header("Authorization"), r.header("Content-Type"), r.header("Accept"), r.body);
    }
    return text;
}

/// The same text for the expectations; every hyperoru request asks for application/json.
inline std::string describe(const std::vector<Expect>& requests) {
    std::string text;
    for (const auto& e : requests) {
        text += describe_one(e.method, e.target, e.authorization, e.content_type,
                             std::string("application/json"), e.body);
    }
    return text;
}

// ----------------------------------------------------------------------------- seeded data

inline const std::string k_login_token = "hs_login_token_e2e";

/// GET /api/users/profile of the seeded user, as hyperoru prints it.
inline const std::string k_profile_json =
    "{\n"
    "  \"id\": 1,\n"
    "  \"username\": \"trader1\",\n"
    "  \"email\": \"trader@example.com\",\n"
    "  \"is_active\": true\n"
    "}\n";

/// `hyperoru login --email trader@example.com --password-stdin` with password "secret".
inline Result login(const StandIn& server, const Env& env, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--base-url", server.base_url()};
    args.insert(args.end(), extra.begin(), extra.end());
    for (const char* arg : {"login", "--email", "trader@example.com", "--password-stdin"})
        args.emplace_back(arg);
    return cli(env, std::move(args), "secret\n");
}

}  // namespace e2e
