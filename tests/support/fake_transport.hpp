#pragma once
// In-memory transport and clock for unit tests: scripted outcomes, recorded requests, and a clock
// that records sleeps instead of sleeping.
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "hyperoru/http.hpp"
#include "hyperoru/retry.hpp"

namespace hyperoru::test {

/// Shared between the test and the transport (the client owns the transport).
class FakeClock;

struct FakeServer {
    std::deque<http::Outcome> outcomes;   ///< served in order; running out fails the test
    std::vector<http::Request> requests;  ///< every request performed, in order
    /// With a clock: each exchange takes this long on it, or the request's own timeout when that
    /// is shorter (the way a server that never answers behaves).
    FakeClock* clock = nullptr;
    std::chrono::milliseconds exchange_time{0};

    /// Queues a response with the given status, body and headers.
    void respond(long status, std::string body = {}, http::Headers headers = {});
    void fail(http::FailureKind kind, bool request_sent, std::string message = "simulated");
};

/// A transport that serves from `server`. Throws std::logic_error when a request arrives and
/// no outcome is queued (a test that sends more than it expects fails loudly).
std::unique_ptr<http::Transport> make_fake_transport(std::shared_ptr<FakeServer> server);

/// Sleeping advances both clocks; a test steps the wall clock alone by changing `current`.
class FakeClock : public Clock {
public:
    std::chrono::system_clock::time_point current{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}};
    std::chrono::steady_clock::time_point steady{std::chrono::hours{1000}};
    double random = 0.5;
    std::vector<std::chrono::milliseconds> sleeps;

    std::chrono::system_clock::time_point now() override { return current; }
    std::chrono::steady_clock::time_point monotonic() override { return steady; }
    void sleep(std::chrono::milliseconds d) override {
        sleeps.push_back(d);
        pass(d);
    }
    /// Time passes without a sleep (an exchange in progress).
    void pass(std::chrono::milliseconds d) {
        current += d;
        steady += d;
    }
    double random_unit() override { return random; }
};

}  // namespace hyperoru::test
