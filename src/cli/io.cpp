// The Io of the real process.
#include <unistd.h>
#include <cstdlib>
#include <iostream>

#include "cli/app.hpp"
#include "cli/terminal.hpp"

namespace hyperoru::cli {

Io process_io() {
    Io io;
    io.in = &std::cin;
    io.out = &std::cout;
    io.err = &std::cerr;
    io.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
    io.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
    io.env = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
    io.prompt = prompt_line;
    io.make_transport = http::make_curl_transport;
    io.make_connector = ws::make_beast_connector;
    io.clock = &system_clock_instance();
    return io;
}

}  // namespace hyperoru::cli
