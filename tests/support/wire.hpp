#pragma once
// A raw HTTP exchange with the stand-in over a plain loopback socket, for tests that check bytes
// on the wire (the client under test is not involved).
#include <optional>
#include <string>

#include "support/standin.hpp"

namespace hyperoru::test {

/// One HTTP exchange as seen on the wire.
struct Wire {
    std::string raw;  ///< everything received, until the server closed the connection
    int reads = 0;    ///< how many recv() calls returned data
    int status = 0;
    std::string head;  ///< status line and headers
    std::string body;

    /// First header `name` (exact case) in the head.
    std::optional<std::string> header(const std::string& name) const;
};

/// Sends `bytes` to the stand-in and reads until it closes the connection (20 s limit).
Wire talk(const StandIn& server, const std::string& bytes);

}  // namespace hyperoru::test
