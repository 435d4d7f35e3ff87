// The hyperoru executable: process setup only; everything else is in the libraries.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "hyperoru/retry.hpp"

namespace {
extern "C" void on_interrupt(int) {
    hyperoru::interrupt_flag().store(true);
}
}  // namespace

int main(int argc, char* argv[]) {
    std::ios::sync_with_stdio(false);  // stdin is only read through std::cin
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and sees the flag
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a failed write (EPIPE), handled by run()

    hyperoru::cli::Io io = hyperoru::cli::process_io();
    const std::vector<std::string> args(argv + 1, argv + argc);
    return hyperoru::cli::run(args, io);  // run() flushes io.out and reports a failed write
}
