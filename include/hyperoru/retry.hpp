#pragma once
/// The contract's retry rules (§1.9) as pure functions, and the clock seam they run on.
#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

#include "hyperoru/http.hpp"

namespace hyperoru {

struct RetryPolicy {
    int max_retries = 3;                         ///< retries after the first attempt
    std::chrono::milliseconds base_delay{1000};  ///< retry n waits base * 2^(n-1)
    std::chrono::milliseconds max_jitter{250};   ///< plus uniform [0, max_jitter]
    std::chrono::seconds max_retry_after{60};    ///< longer Retry-After: give up
};

/// Time, sleep and randomness for retries. Tests inject a fake so they never really wait.
class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() = 0;
    /// Sleeps for `duration`; throws hyperoru::Interrupted if interrupted.
    virtual void sleep(std::chrono::milliseconds duration) = 0;
    /// Uniform in [0, 1).
    virtual double random_unit() = 0;
};

/// The real clock: system time, a sleep that returns early and throws Interrupted once
/// interrupt_flag() is set, and a random engine seeded from std::random_device.
Clock& system_clock_instance();

/// Process-wide interrupt request, set by the CLI's SIGINT handler (async-signal-safe: a
/// lock-free atomic). The system clock's sleep and the curl transport watch it.
std::atomic<bool>& interrupt_flag();

/// Whether a response with `status` to a request with `method` may be retried.
bool is_retryable_status(std::string_view method, long status);

/// Whether a transport failure of a request with `method` may be retried.
bool is_retryable_failure(std::string_view method, const http::Failure& failure);

/// Delay before retry number `retry` (1-based): base * 2^(retry-1) + jitter, where
/// jitter = random_unit * max_jitter.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double random_unit);

/// Parses a Retry-After value: delta-seconds or an HTTP date (RFC 9110 IMF-fixdate, also the
/// obsolete RFC 850 and asctime forms). A date in the past gives zero. Unparseable: nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace hyperoru
