// The contract's retry rules (§1.9): which outcomes are transient, how long to wait, and the
// real clock the client sleeps on.
#include "hyperoru/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "hyperoru/errors.hpp"

namespace hyperoru {

namespace {

using std::chrono::milliseconds;

// Method tokens are case-sensitive (RFC 9110 §9.1), so "get" is an unknown method and gets the
// cautious, non-idempotent treatment.
bool is_idempotent(std::string_view method) {
    return method == "GET" || method == "PUT" || method == "DELETE" || method == "HEAD" ||
           method == "OPTIONS";
}

// Failures that a second attempt may cure. The others are not transient: a response over the
// size cap will be just as large next time, an abort is the user's wish, and a protocol error
// (bad URL, unsupported scheme, malformed HTTP) repeats deterministically.
bool is_transient(http::FailureKind kind) {
    switch (kind) {
        case http::FailureKind::resolve:
        case http::FailureKind::connect:
        case http::FailureKind::tls:
        case http::FailureKind::timeout:
        case http::FailureKind::send:
        case http::FailureKind::receive: return true;
        case http::FailureKind::certificate:  // an untrusted certificate stays untrusted
        case http::FailureKind::too_large:
        case http::FailureKind::aborted:
        case http::FailureKind::protocol:
        case http::FailureKind::other: return false;
    }
    return false;
}

// 2^20 times the base delay (about 12 days with the default 1 s) is far beyond any sane
// configuration; capping the exponent keeps the shift and the product in range.
constexpr int k_max_backoff_exponent = 20;

// RFC 9111 §1.2.2: a delta-seconds value too large to represent is taken as 2^31.
constexpr std::int64_t k_max_delta_seconds = std::int64_t{1} << 31;

std::string_view trim(std::string_view s) {
    constexpr std::string_view ws = " \t\r\n";
    const auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Exactly `count` digits at the front of `s`, consumed.
std::optional<int> take_digits(std::string_view& s, std::size_t count) {
    if (s.size() < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!is_digit(s[i])) return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    s.remove_prefix(count);
    return value;
}

bool take(std::string_view& s, std::string_view literal) {
    if (!s.starts_with(literal)) return false;
    s.remove_prefix(literal.size());
    return true;
}

constexpr std::array<std::string_view, 7> k_short_days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> k_long_days = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                         "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The weekday name is checked for form only: a server that gets it wrong still means the date.
template <std::size_t N>
bool take_name(std::string_view& s, const std::array<std::string_view, N>& names) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return take(s, n); });
}

std::optional<unsigned> take_month(std::string_view& s) {
    for (std::size_t i = 0; i < k_months.size(); ++i) {
        if (take(s, k_months[i])) return static_cast<unsigned>(i + 1);
    }
    return std::nullopt;
}

struct TimeOfDay {
    int hour, minute, second;
};

// "HH:MM:SS"; second 60 is allowed for a leap second (RFC 9110 §5.6.7).
std::optional<TimeOfDay> take_time(std::string_view& s) {
    const auto h = take_digits(s, 2);
    if (!h || !take(s, ":")) return std::nullopt;
    const auto m = take_digits(s, 2);
    if (!m || !take(s, ":")) return std::nullopt;
    const auto sec = take_digits(s, 2);
    if (!sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
    return TimeOfDay{*h, *m, *sec};
}

std::optional<std::chrono::sys_seconds> make_time(int y, unsigned mon, int d, TimeOfDay t) {
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mon},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
           std::chrono::seconds{t.second};
}

// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
int expand_two_digit_year(int yy, std::chrono::system_clock::time_point now) {
    const int current =
        static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
    int year = current - current % 100 + yy;
    if (year > current + 50)
        year -= 100;
    else if (year <= current - 50)
        year += 100;
    return year;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view s) {
    if (!take_name(s, k_short_days) || !take(s, ", ")) return std::nullopt;
    const auto d = take_digits(s, 2);
    if (!d || !take(s, " ")) return std::nullopt;
    const auto mon = take_month(s);
    if (!mon || !take(s, " ")) return std::nullopt;
    const auto y = take_digits(s, 4);
    if (!y || !take(s, " ")) return std::nullopt;
    const auto t = take_time(s);
    if (!t || s != " GMT") return std::nullopt;
    return make_time(*y, *mon, *d, *t);
}

// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT".
std::optional<std::chrono::sys_seconds> parse_rfc850(std::string_view s,
                                                     std::chrono::system_clock::time_point now) {
    if (!take_name(s, k_long_days) || !take(s, ", ")) return std::nullopt;
    const auto d = take_digits(s, 2);
    if (!d || !take(s, "-")) return std::nullopt;
    const auto mon = take_month(s);
    if (!mon || !take(s, "-")) return std::nullopt;
    const auto yy = take_digits(s, 2);
    if (!yy || !take(s, " ")) return std::nullopt;
    const auto t = take_time(s);
    if (!t || s != " GMT") return std::nullopt;
    return make_time(expand_two_digit_year(*yy, now), *mon, *d, *t);
}

// asctime: "Sun Nov  6 08:49:37 1994" (the day is two digits or a space and one digit).
std::optional<std::chrono::sys_seconds> parse_asctime(std::string_view s) {
    if (!take_name(s, k_short_days) || !take(s, " ")) return std::nullopt;
    const auto mon = take_month(s);
    if (!mon || !take(s, " ")) return std::nullopt;
    const auto d = take(s, " ") ? take_digits(s, 1) : take_digits(s, 2);
    if (!d || !take(s, " ")) return std::nullopt;
    const auto t = take_time(s);
    if (!t || !take(s, " ")) return std::nullopt;
    const auto y = take_digits(s, 4);
    if (!y || !s.empty()) return std::nullopt;
    return make_time(*y, *mon, *d, *t);
}

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }
    std::chrono::steady_clock::time_point monotonic() override { return std::chrono::steady_clock::now(); }

    void sleep(milliseconds duration) override {
        // Short slices keep Ctrl-C responsive: sleep_for resumes after EINTR, so the signal
        // alone would not end the wait, and it may be delivered to another thread anyway.
        constexpr milliseconds k_slice{20};
        // Capped so that the deadline cannot overflow steady_clock's nanoseconds.
        constexpr std::chrono::days k_max_sleep{36500};
        const auto deadline =
            std::chrono::steady_clock::now() + std::min<milliseconds>(duration, k_max_sleep);
        for (;;) {
            if (interrupt_flag().load()) throw Interrupted();
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) return;
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, k_slice));
        }
    }

    double random_unit() override {
        // One process-wide engine: the lock keeps it sound if two threads share the clock.
        const std::lock_guard lock(m_mutex);
        const double u = m_distribution(m_engine);
        // libstdc++ can round up to exactly 1.0 (LWG 2524); the contract promises [0, 1).
        return u < 1.0 ? u : std::nextafter(1.0, 0.0);
    }

private:
    std::mutex m_mutex;
    std::mt19937_64 m_engine{std::random_device{}()};
    std::uniform_real_distribution<double> m_distribution{0.0, 1.0};
};

}  // namespace

Clock& system_clock_instance() {
    static SystemClock clock;
    return clock;
}

std::atomic<bool>& interrupt_flag() {
    // A signal handler stores to this: it must be lock-free, and constinit guarantees there is
    // no guarded dynamic initialisation for the handler to race with.
    static_assert(std::atomic<bool>::is_always_lock_free);
    static constinit std::atomic<bool> flag{false};
    return flag;
}

bool is_retryable_status(std::string_view method, long status) {
    if (status == 429 || status == 503) return true;
    return is_idempotent(method) && status >= 500 && status <= 599;
}

bool is_retryable_failure(std::string_view method, const http::Failure& failure) {
    if (!is_transient(failure.kind)) return false;
    // A request that may have reached the server is repeated only when repeating is harmless.
    return is_idempotent(method) || !failure.request_sent;
}

milliseconds backoff_delay(const RetryPolicy& policy, int retry, double random_unit) {
    constexpr auto k_max = std::numeric_limits<milliseconds::rep>::max();
    const int exponent = std::clamp(retry, 1, k_max_backoff_exponent + 1) - 1;
    const milliseconds::rep base = std::max<milliseconds::rep>(policy.base_delay.count(), 0);
    const milliseconds::rep factor = milliseconds::rep{1} << exponent;
    const milliseconds::rep delay = base > k_max / factor ? k_max : base * factor;

    // NaN or out-of-range randomness from a custom Clock must not produce a negative wait.
    const double u = std::isnan(random_unit) ? 0.0 : std::clamp(random_unit, 0.0, 1.0);
    const auto max_jitter = std::max<milliseconds::rep>(policy.max_jitter.count(), 0);
    const double scaled = std::round(u * static_cast<double>(max_jitter));
    const auto jitter = scaled >= static_cast<double>(k_max) ? k_max : static_cast<milliseconds::rep>(scaled);
    return milliseconds{delay > k_max - jitter ? k_max : delay + jitter};
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
    const std::string_view text = trim(value);
    if (text.empty()) return std::nullopt;

    if (std::all_of(text.begin(), text.end(), is_digit)) {
        std::int64_t seconds = 0;
        for (const char c : text) {
            seconds = seconds * 10 + (c - '0');
            if (seconds >= k_max_delta_seconds) {
                seconds = k_max_delta_seconds;
                break;
            }
        }
        return std::chrono::duration_cast<milliseconds>(std::chrono::seconds{seconds});
    }

    auto when = parse_imf_fixdate(text);
    if (!when) when = parse_rfc850(text, now);
    if (!when) when = parse_asctime(text);
    if (!when) return std::nullopt;
    if (*when <= now) return milliseconds{0};
    // Rounded up so that a retry never goes out before the time the server named.
    return std::chrono::ceil<milliseconds>(*when - now);
}

}  // namespace hyperoru
