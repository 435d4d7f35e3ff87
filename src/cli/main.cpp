// The hyperoru executable: process setup only; everything else is in the libraries.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
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

/// Reopens each of stdin, stdout and stderr that is closed on /dev/null, so that no file the
/// process opens later (libcurl's socketpair, a socket) takes its number and receives output or
/// the -v trace. Returns whether stdout was closed.
bool reopen_closed_standard_fds() {
    bool stdout_closed = false;
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == 1) stdout_closed = true;
        // The lowest free number is `fd`, as the ones below it are open (or were just reopened).
        const int reopened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (reopened != fd && reopened >= 0) ::close(reopened);
    }
    return stdout_closed;
}
}  // namespace

int main(int argc, char* argv[]) {
    // A core dump would hold the session token, several times: none is written.
    const struct rlimit no_core { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const bool stdout_closed = reopen_closed_standard_fds();

    std::ios::sync_with_stdio(false);  // stdin is only read through std::cin
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and sees the flag
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a failed write (EPIPE), handled by run()

    hyperoru::cli::Io io = hyperoru::cli::process_io();
    if (stdout_closed) {  // nothing can be written: finish_output says so and exits 1
        io.out->setstate(std::ios::badbit);
        io.out_error = [] { return EBADF; };
    }
    const std::vector<std::string> args(argv + 1, argv + argc);
    return hyperoru::cli::run(args, io);  // run() flushes io.out and reports a failed write
}
