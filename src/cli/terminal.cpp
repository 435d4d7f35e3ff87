#include "cli/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <istream>
#include <iterator>

#include "hyperoru/errors.hpp"
#include "hyperoru/retry.hpp"

namespace hyperoru::cli {

namespace {

/// How often a prompt waiting for a key looks at the interrupt flag.
constexpr int k_interrupt_check_ms = 100;

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

/// Turns echo off for its lifetime.
class NoEcho {
public:
    explicit NoEcho(int fd) : m_fd(fd) {
        if (::tcgetattr(fd, &m_saved) == 0) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            // TCSANOW, not TCSAFLUSH: nothing the user already typed may be thrown away.
            m_active = ::tcsetattr(fd, TCSANOW, &quiet) == 0;
        }
    }
    ~NoEcho() {
        if (m_active) ::tcsetattr(m_fd, TCSANOW, &m_saved);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

private:
    int m_fd;
    termios m_saved{};
    bool m_active = false;
};

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::string read_bounded(std::istream& in, std::size_t limit, const std::string& what) {
    std::string text;
    std::array<char, 65536> buffer{};
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
        text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > limit) {
            throw UsageError(what + ": more than " + std::to_string(limit) + " bytes (the limit)");
        }
    }
    return text;
}

std::string read_stdin_secret(std::istream& in) {
    const std::string too_long =
        "standard input (a secret): more than " + std::to_string(k_max_secret_bytes) + " bytes (the limit)";
    std::string secret;
    try {
        secret = read_bounded(in, k_max_secret_bytes + 2, "standard input");  // room for a CR LF ending
    } catch (const UsageError&) {
        throw UsageError(too_long);
    }
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() > k_max_secret_bytes) throw UsageError(too_long);
    return secret;
}

std::optional<std::string> prompt_line(const std::string& prompt, bool echo) {
    Fd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
    const int in = tty.get() >= 0 ? tty.get() : STDIN_FILENO;
    const int out = tty.get() >= 0 ? tty.get() : STDERR_FILENO;
    // Echo goes off before the prompt appears, so a password typed (or pasted) the moment the
    // prompt shows is never echoed.
    std::optional<NoEcho> no_echo;
    if (!echo) no_echo.emplace(in);
    write_all(out, prompt);
    std::string line;
    for (;;) {
        if (interrupt_flag().load()) {
            // End the prompt's line, so that the error goes on a line of its own instead of
            // "Password: hyperoru: error: interrupted".
            write_all(out, "\n");
            throw Interrupted();
        }
        // Wait in slices rather than in read(): a Ctrl-C that lands before read() starts (the
        // moment the prompt appears) interrupts no system call, and read() would wait forever.
        pollfd ready{in, POLLIN, 0};
        const int polled = ::poll(&ready, 1, k_interrupt_check_ms);
        if (polled == 0 || (polled < 0 && errno == EINTR)) continue;
        char c = 0;
        const ssize_t n = ::read(in, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return line.empty() ? std::nullopt : std::optional<std::string>(line);
        if (c == '\n') break;
        line.push_back(c);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace hyperoru::cli
