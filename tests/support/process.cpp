// Child processes for the tests: pipes multiplexed with poll() for run_process, forkpty() for
// run_in_pty. Every wait is bounded by the caller's timeout; nothing sleeps.
#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <catch2/catch.hpp>

namespace hyperoru::test {

/// A pidfd (readable once the child exits), or -1 where the kernel has none. Called through
/// syscall() because glibc 2.36's <sys/pidfd.h> lacks extern "C" and so does not link from C++.
int open_pidfd(int pid) noexcept {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    return -1;
#endif
}

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// An owned file descriptor; closed on destruction or reset().
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) noexcept : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&&) = delete;
    ~Fd() { reset(); }
    int get() const noexcept { return m_fd; }
    explicit operator bool() const noexcept { return m_fd >= 0; }
    void reset() noexcept {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

struct Pipe {
    Fd read;
    Fd write;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    return {Fd{fds[0]}, Fd{fds[1]}};
}

/// A NULL-terminated char* array (argv, envp) over strings this object owns.
class CStrings {
public:
    explicit CStrings(std::vector<std::string> items) : m_items(std::move(items)) {
        for (auto& item : m_items) m_pointers.push_back(item.data());
        m_pointers.push_back(nullptr);
    }
    char* const* data() const noexcept { return m_pointers.data(); }

private:
    std::vector<std::string> m_items;
    std::vector<char*> m_pointers;
};

std::vector<std::string> env_strings(const std::map<std::string, std::string>& env) {
    std::vector<std::string> out;
    for (const auto& [name, value] : env) out.push_back(name + "=" + value);
    return out;
}

/// Milliseconds left until `deadline`, rounded up so poll() never spins on a sub-millisecond rest.
int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

int poll_fds(std::vector<pollfd>& fds, int timeout_ms) {
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) throw_errno("poll");
    return std::max(ready, 0);
}

/// Appends what is available on `fd`. False at end of file, or EIO (a pty whose child is gone).
bool read_some(int fd, std::string& out) {
    char buffer[65536];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

/// Writes some of data[offset...]; false when the reader has gone (EPIPE and the like).
bool write_some(int fd, const std::string& data, std::size_t& offset) {
    const ssize_t n = ::write(fd, data.data() + offset, data.size() - offset);
    if (n >= 0) {
        offset += static_cast<std::size_t>(n);
        return true;
    }
    return errno == EINTR || errno == EAGAIN;
}

void set_flag(int fd, int get, int set, int flag) {
    const int flags = ::fcntl(fd, get);
    if (flags < 0 || ::fcntl(fd, set, flags | flag) < 0) throw_errno("fcntl");
}

int wait_child(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    return status;
}

int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

/// Blocks SIGPIPE in this thread while alive, so writing to a child that stopped reading gives
/// EPIPE instead of killing the test runner; a SIGPIPE raised meanwhile is discarded.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_was_pending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
    }
    ~SigpipeBlocked() {
        const timespec no_wait{};
        if (!m_was_pending) {
            while (sigtimedwait(&m_pipe, nullptr, &no_wait) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t m_pipe{};
    sigset_t m_old{};
    bool m_was_pending = false;
};

/// posix_spawn set-up: the pipes become 0/1/2; the child gets its own session (no controlling
/// terminal, so nothing can read the developer's tty, and the whole group can be killed) and
/// default SIGPIPE handling whatever the test runner does.
class Spawn {
public:
    Spawn(int in, int out, int err) {
        posix_spawn_file_actions_init(&m_actions);
        posix_spawn_file_actions_adddup2(&m_actions, in, 0);
        posix_spawn_file_actions_adddup2(&m_actions, out, 1);
        posix_spawn_file_actions_adddup2(&m_actions, err, 2);
        posix_spawnattr_init(&m_attr);
        sigset_t set;
        sigemptyset(&set);
        posix_spawnattr_setsigmask(&m_attr, &set);
        sigaddset(&set, SIGPIPE);
        posix_spawnattr_setsigdefault(&m_attr, &set);
        posix_spawnattr_setflags(&m_attr,
                                 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    }
    ~Spawn() {
        posix_spawn_file_actions_destroy(&m_actions);
        posix_spawnattr_destroy(&m_attr);
    }
    Spawn(const Spawn&) = delete;
    Spawn& operator=(const Spawn&) = delete;

    pid_t run(const CStrings& argv, const CStrings& envp) const {
        pid_t pid = -1;
        const char* program = argv.data()[0];
        const int rc = std::strchr(program, '/') != nullptr
                           ? posix_spawn(&pid, program, &m_actions, &m_attr, argv.data(), envp.data())
                           : posix_spawnp(&pid, program, &m_actions, &m_attr, argv.data(), envp.data());
        if (rc != 0) {
            throw std::system_error(rc, std::generic_category(), std::string("spawn ") + program);
        }
        return pid;
    }

private:
    posix_spawn_file_actions_t m_actions{};
    posix_spawnattr_t m_attr{};
};

}  // namespace

ProcessResult run_process(const ProcessOptions& options) {
    if (options.argv.empty()) throw std::invalid_argument("run_process: empty argv");
    const CStrings argv(options.argv);
    const CStrings envp(env_strings(options.env));
    Pipe in = make_pipe(), out = make_pipe(), err = make_pipe();
    const pid_t pid = Spawn(in.read.get(), out.write.get(), err.write.get()).run(argv, envp);
    const auto deadline = Clock::now() + options.timeout;
    in.read.reset();
    out.write.reset();
    err.write.reset();
    // A pidfd turns "the child exited" into one more pollable event. Without one (kernels before
    // 5.3) the exit is awaited with a blocking waitpid once both pipes are closed.
    Fd exited{open_pidfd(pid)};
    if (options.stdin_data.empty()) in.write.reset();
    if (in.write) set_flag(in.write.get(), F_GETFL, F_SETFL, O_NONBLOCK);

    ProcessResult result;
    std::size_t written = 0;
    bool reaped = false;
    int status = 0;
    const SigpipeBlocked sigpipe;
    while (out.read || err.read || !reaped) {
        if (!out.read && !err.read && !exited) {
            status = wait_child(pid);
            break;
        }
        std::vector<pollfd> fds{{in.write.get(), POLLOUT, 0},
                                {out.read.get(), POLLIN, 0},
                                {err.read.get(), POLLIN, 0},
                                {exited.get(), POLLIN, 0}};
        if (poll_fds(fds, remaining_ms(deadline)) == 0 && Clock::now() >= deadline) {
            // The whole session goes: grandchildren could otherwise hold the pipes open. (The
            // session id stays reserved while any member lives, so -pid is never a stranger.)
            ::kill(-pid, SIGKILL);
            if (!reaped) {
                ::kill(pid, SIGKILL);
                status = wait_child(pid);
            }
            break;
        }
        if (fds[0].revents != 0 && (!write_some(in.write.get(), options.stdin_data, written) ||
                                    written == options.stdin_data.size())) {
            in.write.reset();  // all written, or the child does not read: either way, EOF
        }
        if (fds[1].revents != 0 && !read_some(out.read.get(), result.out)) out.read.reset();
        if (fds[2].revents != 0 && !read_some(err.read.get(), result.err)) err.read.reset();
        if (fds[3].revents != 0 && ::waitpid(pid, &status, WNOHANG) == pid) {
            reaped = true;
            exited.reset();
        }
    }
    result.exit_code = exit_code(status);
    return result;
}

PtyResult run_in_pty(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                     const std::vector<PtyStep>& dialogue, std::chrono::milliseconds timeout) {
    if (argv.empty()) throw std::invalid_argument("run_in_pty: empty argv");
    const CStrings cargv(argv);
    const CStrings cenv(env_strings(env));
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 80;
    int master_fd = -1;
    const pid_t pid = forkpty(&master_fd, nullptr, nullptr, &size);
    if (pid < 0) throw_errno("forkpty");
    if (pid == 0) {
        // The child of a possibly multi-threaded parent: async-signal-safe calls only.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL);
        if (std::strchr(cargv.data()[0], '/') != nullptr) {
            execve(cargv.data()[0], cargv.data(), cenv.data());
        } else {
            execvpe(cargv.data()[0], cargv.data(), cenv.data());
        }
        const char message[] = "run_in_pty: exec failed\n";
        [[maybe_unused]] const ssize_t ignored = ::write(2, message, sizeof message - 1);
        _exit(127);
    }
    const Fd master{master_fd};
    set_flag(master.get(), F_GETFD, F_SETFD, FD_CLOEXEC);
    set_flag(master.get(), F_GETFL, F_SETFL, O_NONBLOCK);
    const auto deadline = Clock::now() + timeout;

    PtyResult result;
    std::string typed;  // what is still to be typed
    std::size_t typed_offset = 0;
    bool ended = false;
    // One round of I/O: reads the output, types pending input. False once the time is up.
    const auto pump = [&]() {
        const bool typing = typed_offset < typed.size();
        std::vector<pollfd> fds{{master.get(), static_cast<short>(POLLIN | (typing ? POLLOUT : 0)), 0}};
        if (poll_fds(fds, remaining_ms(deadline)) == 0) return Clock::now() < deadline;
        if ((fds[0].revents & POLLOUT) != 0) write_some(master.get(), typed, typed_offset);
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !read_some(master.get(), result.output)) {
            ended = true;
        }
        return true;
    };

    std::string failure;
    std::size_t search_from = 0;
    for (const auto& step : dialogue) {
        std::size_t found = std::string::npos;
        while (failure.empty() &&
               (found = result.output.find(step.expect, search_from)) == std::string::npos) {
            if (ended) {
                failure = "the program ended before printing \"" + step.expect + "\"";
            } else if (!pump()) {
                failure = "timed out waiting for \"" + step.expect + "\"";
            }
        }
        if (!failure.empty()) break;
        search_from = found + step.expect.size();
        typed += step.send;
    }
    while (failure.empty() && !ended) {
        if (!pump()) failure = "timed out waiting for the program to exit";
    }
    if (!failure.empty()) ::kill(-pid, SIGKILL);  // forkpty made the child a session leader
    result.exit_code = exit_code(wait_child(pid));
    if (!failure.empty()) FAIL(failure << "\n--- terminal output so far ---\n" << result.output);
    return result;
}

std::map<std::string, std::string> python_env() {
    std::map<std::string, std::string> env{{"LC_ALL", "C.UTF-8"}};
    for (const char* name : {"PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION"}) {
        if (const char* value = std::getenv(name)) env[name] = value;
    }
    return env;
}

}  // namespace hyperoru::test
