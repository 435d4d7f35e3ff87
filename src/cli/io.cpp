// The Io of the real process.
#include <sys/ioctl.h>
#include <unistd.h>
#include <cstdlib>
#include <iostream>

#include "cli/app.hpp"
#include "cli/fd_output.hpp"
#include "cli/terminal.hpp"

namespace hyperoru::cli {

Io process_io() {
    Io io;
    io.in = &std::cin;
    // stdout through our own writer rather than std::cout: it survives a non-blocking pipe and
    // remembers why a write failed.
    // Never destroyed: std::cerr and std::cin are tied to it below and are flushed at exit, after
    // function-local statics would be gone. run() has flushed it by then (still reachable, so
    // not a leak).
    static FdOutput* const stdout_buffer = new FdOutput(STDOUT_FILENO);
    static std::ostream* const stdout_stream = new std::ostream(stdout_buffer);
    io.out = stdout_stream;
    io.out_error = [] { return stdout_buffer->error(); };
    // As std::cout was: an error message or a read of stdin first flushes what stdout holds, so
    // on a terminal the two appear in the order they were written.
    std::cerr.tie(stdout_stream);
    std::cin.tie(stdout_stream);
    io.err = &std::cerr;
    io.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
    io.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
    io.stderr_is_tty = ::isatty(STDERR_FILENO) == 1;
    io.env = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
    io.prompt = prompt_line;
    io.make_transport = [](const http::TransportOptions& options) {
        // libcurl's global init (OpenSSL's config and tables) only for commands that make a
        // request: --version, --help and auth status start without it.
        static const http::GlobalInit curl;
        return http::make_curl_transport(options);
    };
    io.make_connector = ws::make_beast_connector;
    io.clock = &system_clock_instance();
    io.terminal_size = []() -> std::optional<TerminalSize> {
        winsize size{};
        if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0)
            return std::nullopt;
        return TerminalSize{size.ws_col, size.ws_row};
    };
    return io;
}

}  // namespace hyperoru::cli
