#pragma once
// Starts the local stand-in of the Hyperoru API (sandbox/hyperoru-sandbox) on 127.0.0.1 with an
// ephemeral port, scripts faults into it and reads the log of the requests it received.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hyperoru::test {

struct LoggedRequest {
    std::string method;
    std::string path;   ///< without the query string, as received (still percent-encoded)
    std::string query;  ///< raw query string without '?', empty when none
    std::vector<std::pair<std::string, std::string>> headers;  ///< in the order received
    std::string body;                                          ///< raw bytes of the body, empty when none

    /// First header named `name` (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;
};

class StandIn {
public:
    /// Starts `python3 sandbox/hyperoru-sandbox --test-defaults --port 0 --quiet <args...>` and
    /// waits (by reading its stdout, never by sleeping) until it reports its port. Throws std::runtime_error
    /// if it fails to start.
    explicit StandIn(std::vector<std::string> args = {});
    ~StandIn();  ///< stops the server (SIGTERM, then waits)
    StandIn(const StandIn&) = delete;
    StandIn& operator=(const StandIn&) = delete;

    int port() const noexcept { return m_port; }
    /// "http://127.0.0.1:<port>"
    std::string base_url() const;

    /// Queues scripted responses: `json` is the body of POST /__standin/script, e.g.
    /// {"method":"GET","path":"/api/crypto/price","responses":[{"status":503},{"status":200,"body":"{}"}]}
    void script(const std::string& json);
    /// The requests received so far (control requests excluded), oldest first.
    std::vector<LoggedRequest> requests();
    /// Clears the log and all scripted responses.
    void reset();

    /// Any control request (POST /__standin/ws/push, GET /__standin/ws/state?open=1, ...):
    /// returns the body; throws std::runtime_error unless the answer is 2xx. Thread-safe (one
    /// connection per call), so a test can drive the server while a child process runs.
    std::string control(const std::string& method, const std::string& path,
                        const std::string& body = {}) const;

private:
    int m_pid = -1;
    int m_port = 0;
};

/// The token the stand-in accepts when started with its default arguments (demo user trader1).
inline constexpr const char* k_standin_token = "hs_test_token_0123456789abcdef";

}  // namespace hyperoru::test
