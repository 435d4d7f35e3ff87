#pragma once
// The command-line front end. main() builds an Io for the real process and calls run(); tests
// build an Io with string streams, a fake transport and a fake clock.
#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hyperoru/config.hpp"
#include "hyperoru/http.hpp"
#include "hyperoru/retry.hpp"
#include "hyperoru/ws.hpp"

namespace hyperoru::cli {

/// A terminal's size in character cells.
struct TerminalSize {
    int columns = 0;
    int lines = 0;
};

/// Everything a command touches outside the process: streams, terminal, environment, network,
/// time. Injected so every command can be tested without a terminal or a server.
struct Io {
    std::istream* in = nullptr;
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    bool stdin_is_tty = false;
    bool stdout_is_tty = false;
    /// Whether stderr is a terminal: only then does hyperoru show retry notices, a spinner and
    /// progress (cli/status.hpp).
    bool stderr_is_tty = false;
    /// How long a request runs before a spinner shows (stderr a terminal); nullopt: never, as in
    /// tests that compare stderr exactly.
    std::optional<std::chrono::milliseconds> spinner_after = std::chrono::seconds(1);
    EnvLookup env;
    /// Shows `prompt` on the terminal and reads one line (without its newline); `echo` false
    /// hides what is typed. nullopt at end of input.
    std::function<std::optional<std::string>(const std::string& prompt, bool echo)> prompt;
    std::function<std::unique_ptr<http::Transport>(const http::TransportOptions&)> make_transport;
    std::function<std::unique_ptr<ws::Connector>()> make_connector;
    Clock* clock = nullptr;
    /// errno of the first failed write to `out` (EPIPE: the reader went away), 0 when none or
    /// unknown. Lets run() tell `| head -1` (quiet) from a full disk (an error).
    std::function<int()> out_error;
    /// The size of the terminal stdout is on (ioctl TIOCGWINSZ), nullopt when stdout is no
    /// terminal or its size is unknown. Unset: unknown.
    std::function<std::optional<TerminalSize>()> terminal_size;
};

/// The Io of this process: std::cin/cout/cerr, isatty, getenv, /dev/tty prompts, libcurl.
Io process_io();

/// Parses `args` (without the program name), runs the command, and returns the exit code.
/// Never throws: every error is reported on io.err and mapped to the documented exit codes.
int run(const std::vector<std::string>& args, Io& io);

/// The top-level command run() builds for `args`: its name, "" for none (`--version`), or
/// nullopt for all of them (`--help`, or no command named). See Selection.
std::optional<std::string> selected_command(const std::vector<std::string>& args);

/// Every command, as the words that select it ("order create", "health"), in help order.
std::vector<std::string> command_paths();

/// Documented exit codes.
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_error = 1,
    k_exit_usage = 2,
    k_exit_rejected = 3,
    k_exit_auth = 4,
    k_exit_forbidden = 5,
    k_exit_not_found = 6,
    k_exit_rate_limited = 7,
    k_exit_server = 8,
    k_exit_network = 9,
    k_exit_invalid_response = 10,
    k_exit_limit = 11,
    k_exit_interrupted = 130,
};

}  // namespace hyperoru::cli
