#include "support/wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>

namespace hyperoru::test {

std::optional<std::string> Wire::header(const std::string& name) const {
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return std::nullopt;
    const auto begin = at + name.size() + 4;
    return head.substr(begin, head.find("\r\n", begin) - begin);
}

Wire talk(const StandIn& server, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    const timeval limit{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Wire wire;
    bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
              ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    char buffer[65536];
    ssize_t n = 0;
    while (ok && (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        wire.raw.append(buffer, static_cast<std::size_t>(n));
        ++wire.reads;
    }
    ::close(fd);
    REQUIRE(ok);
    const auto head_end = wire.raw.find("\r\n\r\n");
    if (head_end != std::string::npos && wire.raw.size() > 12) {
        wire.status = std::stoi(wire.raw.substr(9, 3));
        wire.head = wire.raw.substr(0, head_end + 2);
        wire.body = wire.raw.substr(head_end + 4);
    }
    return wire;
}

}  // namespace hyperoru::test
