// The documentation shared by `hyperoru --help` and the man page, and the help footer made of it.
#include "cli/help_text.hpp"

#include <algorithm>
#include <array>

#include "cli/app.hpp"

namespace hyperoru::cli {

namespace {

/// Lines of the help footer stay within this many columns where they are wrapped.
constexpr std::size_t k_footer_width = 90;
/// The environment variables' names are padded to this width, so their texts line up.
constexpr std::size_t k_name_column = 21;

constexpr std::array k_examples{
    ExampleDoc{"hyperoru login --email you@example.com",
               "Log in once; the password is asked without echo and the session token is saved in the "
               "config file."},
    ExampleDoc{"hyperoru account list", "List your AI traders: a table on a terminal, JSON in a pipe."},
    ExampleDoc{"hyperoru price BTC --fields price -o ndjson",
               "Print only the price of BTC, as one line of JSON; the number keeps the exact text the server "
               "sent ({\"price\":67012.50}, where jq .price would print 67012.5)."},
};

constexpr std::array k_environment{
    EnvironmentDoc{"HYPERORU_TOKEN", "session token to use instead of the config file's"},
    EnvironmentDoc{"HYPERORU_BASE_URL", "API base URL (default https://api.production.hyperoru.com)"},
    EnvironmentDoc{"HYPERORU_CONTEXT",
                   "context to use (default: the config file's current_context, else default)"},
    EnvironmentDoc{"HYPERORU_CONFIG_DIR",
                   "directory of config.json (default $XDG_CONFIG_HOME/hyperoru or ~/.config/hyperoru)"},
    EnvironmentDoc{"NO_COLOR", "disables colour"},
};

constexpr std::array k_files{
    FileDoc{"~/.config/hyperoru/config.json",
            "the contexts, each with its base URL, session token and user, written with mode 0600; in "
            "$HYPERORU_CONFIG_DIR instead when set, else in $XDG_CONFIG_HOME/hyperoru when set"},
    FileDoc{"~/.config/hyperoru/config.json.lock",
            "locked while config.json is rewritten, so concurrent logins never corrupt it"},
};

constexpr std::array k_exit_codes{
    ExitCodeDoc{k_exit_ok, "success"},
    ExitCodeDoc{k_exit_error, "other error"},
    ExitCodeDoc{k_exit_usage, "usage"},
    ExitCodeDoc{k_exit_rejected, "request rejected (400, 409, 422, other 4xx)"},
    ExitCodeDoc{k_exit_auth, "not authenticated (no token, 401)"},
    ExitCodeDoc{k_exit_forbidden, "forbidden (403)"},
    ExitCodeDoc{k_exit_not_found, "not found (404)"},
    ExitCodeDoc{k_exit_rate_limited, "rate limited (429 after retries)"},
    ExitCodeDoc{k_exit_server, "server error (5xx after retries)"},
    ExitCodeDoc{k_exit_network, "network, TLS or timeout"},
    ExitCodeDoc{k_exit_invalid_response, "invalid response"},
    ExitCodeDoc{k_exit_limit, "stopped at a limit (--max-pages, the size cap of --all)"},
    ExitCodeDoc{k_exit_interrupted, "interrupted"},
};

constexpr std::array<std::string_view, 3> k_sandbox_lines{
    "hyperoru-sandbox --port 8080 &",
    "hyperoru --context sandbox --base-url http://127.0.0.1:8080 login --email trader@example.com",
    "hyperoru --context sandbox order list --user 1",
};

constexpr std::array k_completion_examples{
    ExampleDoc{"source <(hyperoru completion bash)", "bash; add it to ~/.bashrc to keep it"},
    ExampleDoc{"hyperoru completion zsh > \"${fpath[1]}/_hyperoru\"", "zsh, from the next shell on"},
    ExampleDoc{"hyperoru completion fish > ~/.config/fish/completions/hyperoru.fish", "fish"},
};

}  // namespace

std::span<const ExampleDoc> completion_examples_doc() {
    return k_completion_examples;
}

std::string_view completion_install_doc() {
    return "The Debian package and cmake --install put all three where the shells find them.";
}

std::string completion_footer() {
    std::size_t width = 0;
    for (const auto& example : completion_examples_doc()) width = std::max(width, example.line.size());
    std::string out = "\nExamples:\n";
    for (const auto& example : completion_examples_doc()) {
        std::string line(example.line);
        line.resize(width + 2, ' ');
        out += "  " + line + "# " + std::string(example.text) + "\n";
    }
    return out + "\n" + std::string(completion_install_doc()) + "\n";
}

std::span<const ExampleDoc> examples_doc() {
    return k_examples;
}

std::span<const EnvironmentDoc> environment_doc() {
    return k_environment;
}

std::string_view precedence_doc() {
    return "Precedence: flag > environment > config file > default.";
}

std::span<const FileDoc> files_doc() {
    return k_files;
}

std::span<const ExitCodeDoc> exit_codes_doc() {
    return k_exit_codes;
}

SandboxDoc sandbox_doc() {
    return {
        "hyperoru-sandbox (installed next to hyperoru; --help lists its options) serves the whole API "
        "on 127.0.0.1 with demo data (a user, two traders, prices, candles, orders, a WebSocket push "
        "every 3 s), for trying commands and scripts without an account or a network. A context of "
        "its own leaves your production login untouched; the password is secret:",
        k_sandbox_lines};
}

std::string wrap(std::string_view text, std::string_view indent, std::size_t width) {
    std::string out;
    std::string line(indent);
    bool empty = true;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t space = text.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? text.size() : space;
        const std::string_view word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) continue;
        if (!empty && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line = indent;
            empty = true;
        }
        if (!empty) line += ' ';
        line += word;
        empty = false;
    }
    if (!empty) out += line + "\n";
    return out;
}

std::string help_footer() {
    std::string out = "\nExamples:\n";
    for (const auto& example : examples_doc()) out += "  " + std::string(example.line) + "\n";

    const SandboxDoc sandbox = sandbox_doc();
    out += "\nOffline sandbox:\n" + wrap(sandbox.text, "  ", k_footer_width);
    for (const auto line : sandbox.lines) out += "    " + std::string(line) + "\n";

    out += "\nEnvironment:\n";
    for (const auto& variable : environment_doc()) {
        std::string name(variable.name);
        name.resize(std::max(name.size() + 1, k_name_column), ' ');
        out += "  " + name + std::string(variable.text) + "\n";
    }
    out += "  " + std::string(precedence_doc()) + "\n";

    out += "\nFiles:\n";
    for (const auto& file : files_doc()) {
        out += "  " + std::string(file.path) + "\n" + wrap(file.text, "      ", k_footer_width);
    }

    // The codes side by side, as many as fit on a line.
    out += "\nExit codes:\n";
    std::string line;
    for (const auto& code : exit_codes_doc()) {
        const std::string entry = std::to_string(code.code) + " " + std::string(code.text);
        if (!line.empty() && line.size() + 2 + entry.size() > k_footer_width) {
            out += line + "\n";
            line.clear();
        }
        line += "  " + entry;
    }
    out += line + "\n";
    return out;
}

}  // namespace hyperoru::cli
