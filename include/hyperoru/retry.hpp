#pragma once
/// The contract's retry rules (§1.9) as pure functions, and the clock seam they run on.
#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

#include "hyperoru/http.hpp"

namespace hyperoru {

/// How often and how long the client retries a transient outcome (§1.9; ClientOptions::retry).
/// The defaults are the contract's: 3 retries, 1 s, 2 s, 4 s, plus up to 250 ms of jitter.
struct RetryPolicy {
    int max_retries = 3;                         ///< retries after the first attempt; 0: none
    std::chrono::milliseconds base_delay{1000};  ///< retry n waits base * 2^(n-1)
    std::chrono::milliseconds max_jitter{250};   ///< plus uniform [0, max_jitter]
    /// A Retry-After longer than this is not waited for: the client stops at once and reports
    /// the error with the wait the server asked for (ApiError::refused_retry_after).
    std::chrono::seconds max_retry_after{60};
};

/// Time, sleep and randomness for retries, deadlines and streams. Tests inject a fake so they
/// never really wait. A Clock given to a Client or a Stream must outlive it.
///
/// Two clocks, for two jobs: every duration (the --timeout budget, --duration, the ping interval,
/// dead-connection detection, backoff, poll intervals) is measured on monotonic(), which never
/// steps; the wall clock now() only names dates (Retry-After dates, times shown to people), so
/// setting the system time back or forward changes no deadline.
class Clock {
public:
    virtual ~Clock() = default;
    /// The current wall-clock time: for dates only (a Retry-After date is measured against it).
    virtual std::chrono::system_clock::time_point now() = 0;
    /// Monotonic time for measuring durations (std::chrono::steady_clock in the real clock).
    virtual std::chrono::steady_clock::time_point monotonic() = 0;
    /// Sleeps for `duration`; throws hyperoru::Interrupted if interrupted.
    virtual void sleep(std::chrono::milliseconds duration) = 0;
    /// Uniform in [0, 1).
    virtual double random_unit() = 0;
};

/// The real clock: system time, steady_clock for monotonic(), a sleep that returns early and throws
/// Interrupted once interrupt_flag() is set (checked every 20 ms), and a random engine seeded from
/// std::random_device. One instance for the whole program; safe to share between threads.
Clock& system_clock_instance();

/// Process-wide interrupt request, set by the CLI's SIGINT handler (async-signal-safe: a
/// lock-free atomic). The system clock's sleep and the curl transport watch it.
std::atomic<bool>& interrupt_flag();

/// Whether a response with `status` to a request with `method` may be retried (§1.9): 429 and
/// 503 for every method; any other 5xx only for the idempotent methods GET, PUT, DELETE, HEAD
/// and OPTIONS. Method names are case-sensitive, so "get" is treated as non-idempotent. No other
/// status is ever retried.
bool is_retryable_status(std::string_view method, long status);

/// Whether a transport failure of a request with `method` may be retried (§1.9): only the
/// transient kinds (resolve, connect, tls, timeout, send, receive; never certificate,
/// too_large, aborted, protocol or other), and for a non-idempotent method only when
/// `failure.request_sent` is false, so an order never reaches the server twice.
bool is_retryable_failure(std::string_view method, const http::Failure& failure);

/// Delay before retry number `retry` (1-based): base * 2^(retry-1) + jitter, where
/// jitter = random_unit * max_jitter rounded to the millisecond. A `retry` below 1 counts as 1,
/// the exponent stops growing at 20, `random_unit` is clamped to [0, 1] (NaN counts as 0), and
/// the result saturates instead of overflowing; negative policy durations count as zero.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double random_unit);

/// Parses a Retry-After value: delta-seconds or an HTTP date (RFC 9110 IMF-fixdate, also the
/// obsolete RFC 850 and asctime forms), surrounding whitespace allowed. Delta-seconds beyond
/// 2^31 are taken as 2^31 (RFC 9111). A date is measured against `now`: in the past it gives
/// zero, in the future the wait rounded up to the millisecond. Unparseable: nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace hyperoru
