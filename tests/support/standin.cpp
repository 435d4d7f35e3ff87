// Starts the sandbox (sandbox/hyperoru-sandbox, with --test-defaults) and talks to its /__standin/
// control endpoints over a plain loopback socket (deliberately not through libcurl or the hyperoru
// library under test).
#include "support/standin.hpp"

#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

namespace hyperoru::test {
namespace {

constexpr int k_startup_timeout_ms = 20'000;

constexpr int k_stop_timeout_ms = 5'000;
constexpr int k_control_timeout_s = 20;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// Closes a file descriptor when it goes out of scope.
struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

/// Stops the server: SIGTERM, up to 5 s for a clean exit, then SIGKILL. Never throws.
void stop_process(pid_t pid) noexcept {
    ::kill(pid, SIGTERM);
    const FdCloser exited{open_pidfd(pid)};
    if (exited.fd >= 0) {
        pollfd fd{exited.fd, POLLIN, 0};
        int ready = 0;
        while ((ready = ::poll(&fd, 1, k_stop_timeout_ms)) < 0 && errno == EINTR) {
        }
        if (ready == 0) ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

/// The stand-in's JSON strings hold bytes as latin-1 code points (lossless for any byte);
/// nlohmann hands them over as UTF-8, which is turned back into the original bytes here.
std::string latin1_bytes(const std::string& utf8) {
    std::string bytes;
    bytes.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        if (lead < 0x80) {
            bytes += static_cast<char>(lead);
        } else if ((lead & 0xFEu) == 0xC2u && i + 1 < utf8.size()) {  // U+0080..U+00FF
            const auto next = static_cast<unsigned char>(utf8[++i]);
            bytes += static_cast<char>(((lead & 0x03u) << 6) | (next & 0x3Fu));
        } else {
            throw std::runtime_error("stand-in request log: a string is not latin-1");
        }
    }
    return bytes;
}

void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("stand-in control: send");
        sent += static_cast<std::size_t>(n);
    }
}

std::string receive_all(int fd) {
    std::string data;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("stand-in control: recv");
        if (n == 0) return data;
        data.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace

std::optional<std::string> LoggedRequest::header(std::string_view name) const {
    const auto same = [name](const std::string& candidate) {
        return std::equal(candidate.begin(), candidate.end(), name.begin(), name.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    };
    for (const auto& [key, value] : headers) {
        if (same(key)) return value;
    }
    return std::nullopt;
}

StandIn::StandIn(std::vector<std::string> args) {
    std::vector<std::string> argv{HYPERORU_PYTHON, HYPERORU_STANDIN_SCRIPT, "--test-defaults", "--port", "0",
                                  "--quiet"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    FdCloser out{fds[0]};
    FdCloser out_write{fds[1]};
    const FdCloser null_in{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    if (null_in.fd < 0) throw_errno("open /dev/null");
    const pid_t parent = ::getpid();
    m_pid = ::fork();
    if (m_pid < 0) throw_errno("fork");
    if (m_pid == 0) {
        // fork + exec rather than posix_spawn for PR_SET_PDEATHSIG: if the test runner crashes,
        // the server gets SIGTERM instead of lingering. (The signal follows the death of the
        // forking *thread*, so a StandIn must live on a thread that outlives it; tests do.)
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) _exit(1);  // the runner died before prctl took effect
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(null_in.fd, 0);
        ::dup2(out_write.fd, 1);  // stderr stays the runner's, so server errors show up there
        ::execv(c_argv[0], c_argv.data());
        const char message[] = "StandIn: cannot run " HYPERORU_PYTHON "\n";
        [[maybe_unused]] const ssize_t ignored = ::write(2, message, sizeof message - 1);
        _exit(127);
    }
    ::close(std::exchange(out_write.fd, -1));  // so that a dead server reads as end of file

    // Wait for "PORT <n>"; any other line (none expected) is skipped.
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_startup_timeout_ms);
    std::string failure;
    while (failure.empty() && m_port == 0) {
        const auto newline = received.find('\n');
        if (newline != std::string::npos) {
            const std::string line = received.substr(0, newline);
            received.erase(0, newline + 1);
            if (line.rfind("PORT ", 0) == 0) {
                const auto [end, ec] = std::from_chars(line.data() + 5, line.data() + line.size(), m_port);
                if (ec != std::errc{} || m_port <= 0) failure = "bad port line: " + line;
            }
            continue;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd fd{out.fd, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            failure = "no PORT line within 20 s";
            continue;
        }
        char buffer[4096];
        const ssize_t n = ::read(out.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            failure = "it exited before reporting its port (see its stderr above)";
        } else {
            received.append(buffer, static_cast<std::size_t>(n));
        }
    }
    if (!failure.empty()) {
        stop_process(m_pid);
        throw std::runtime_error("stand-in " HYPERORU_STANDIN_SCRIPT " failed to start: " + failure);
    }
}

StandIn::~StandIn() {
    if (m_pid > 0) stop_process(m_pid);
}

std::string StandIn::base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

void StandIn::script(const std::string& json) {
    control("POST", "/__standin/script", json);
}

void StandIn::reset() {
    control("POST", "/__standin/reset", "");
}

std::vector<LoggedRequest> StandIn::requests() {
    const auto log = nlohmann::json::parse(control("GET", "/__standin/requests", ""));
    std::vector<LoggedRequest> out;
    for (const auto& entry : log) {
        LoggedRequest request;
        request.method = latin1_bytes(entry.at("method").get<std::string>());
        request.path = latin1_bytes(entry.at("path").get<std::string>());
        request.query = latin1_bytes(entry.at("query").get<std::string>());
        for (const auto& header : entry.at("headers")) {
            request.headers.emplace_back(latin1_bytes(header.at(0).get<std::string>()),
                                         latin1_bytes(header.at(1).get<std::string>()));
        }
        request.body = latin1_bytes(entry.at("body").get<std::string>());
        out.push_back(std::move(request));
    }
    return out;
}

std::string StandIn::control(const std::string& method, const std::string& path,
                             const std::string& body) const {
    const FdCloser sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (sock.fd < 0) throw_errno("stand-in control: socket");
    // A wedged server fails the test after a while instead of hanging it.
    const timeval limit{k_control_timeout_s, 0};
    ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(sock.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(m_port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(sock.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw_errno("stand-in control: connect to port " + std::to_string(m_port));
    }
    send_all(sock.fd, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(m_port) +
                          "\r\nConnection: close\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
    // Connection: close, so the response ends where the stream does.
    const std::string response = receive_all(sock.fd);
    const auto head_end = response.find("\r\n\r\n");
    const auto status_line = response.substr(0, response.find("\r\n"));
    int status = 0;
    if (status_line.size() > 9) {
        std::from_chars(status_line.data() + 9, status_line.data() + status_line.size(), status);
    }
    std::string payload = head_end == std::string::npos ? std::string{} : response.substr(head_end + 4);
    if (status < 200 || status > 299) {
        throw std::runtime_error("stand-in control " + method + " " + path + " failed: " +
                                 (status_line.empty() ? "no response" : status_line) + " " + payload);
    }
    return payload;
}

}  // namespace hyperoru::test
