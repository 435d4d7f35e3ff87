// The retry rules of §1.9: what is retried, how long the client waits, how it reads
// Retry-After, and the real clock's interruptible sleep.
#include <catch2/catch.hpp>

#include <chrono>
#include <climits>
#include <string>
#include <thread>
#include <vector>

#include "hyperoru/errors.hpp"
#include "hyperoru/retry.hpp"

using namespace std::chrono;
using hyperoru::RetryPolicy;
using hyperoru::http::Failure;
using hyperoru::http::FailureKind;

namespace {

const std::vector<std::string> k_idempotent = {"GET", "PUT", "DELETE", "HEAD", "OPTIONS"};
// Method tokens are case-sensitive, so "get" is an unknown method and treated like POST.
const std::vector<std::string> k_other = {"POST", "PATCH", "CONNECT", "get", ""};

// now = 2026-11-25 12:00:00 UTC, a Wednesday.
const system_clock::time_point k_now = sys_days{year{2026} / 11 / 25} + hours{12};

// Resets the process-wide flag even when an assertion fails, so later tests are unaffected.
struct FlagGuard {
    ~FlagGuard() { hyperoru::interrupt_flag().store(false); }
};

}  // namespace

TEST_CASE("status decision table per method", "[retry]") {
    struct Row {
        long status;
        bool idempotent;
        bool other;
    };
    const std::vector<Row> table = {
        {200, false, false}, {201, false, false}, {204, false, false}, {304, false, false},
        {400, false, false}, {401, false, false}, {403, false, false}, {404, false, false},
        {405, false, false}, {409, false, false}, {413, false, false}, {422, false, false},
        {429, true, true},   {500, true, false},  {501, true, false},  {502, true, false},
        {503, true, true},   {504, true, false},  {599, true, false},  {600, false, false},
        {0, false, false},   {-1, false, false},
    };
    for (const auto& row : table) {
        for (const auto& method : k_idempotent) {
            INFO(method << " " << row.status);
            CHECK(hyperoru::is_retryable_status(method, row.status) == row.idempotent);
        }
        for (const auto& method : k_other) {
            INFO(method << " " << row.status);
            CHECK(hyperoru::is_retryable_status(method, row.status) == row.other);
        }
    }
}

TEST_CASE("failure decision table per method and request_sent", "[retry]") {
    struct Row {
        FailureKind kind;
        bool idempotent;  // same whether or not the request was sent
        bool other_unsent;
        bool other_sent;
    };
    const std::vector<Row> table = {
        {FailureKind::resolve, true, true, false},       {FailureKind::connect, true, true, false},
        {FailureKind::tls, true, true, false},           {FailureKind::timeout, true, true, false},
        {FailureKind::certificate, false, false, false}, {FailureKind::send, true, true, false},
        {FailureKind::receive, true, true, false},       {FailureKind::too_large, false, false, false},
        {FailureKind::aborted, false, false, false},     {FailureKind::protocol, false, false, false},
        {FailureKind::other, false, false, false},
    };
    for (const auto& row : table) {
        const Failure unsent{row.kind, "x", false};
        const Failure sent{row.kind, "x", true};
        for (const auto& method : k_idempotent) {
            INFO(method << " " << hyperoru::http::to_string(row.kind));
            CHECK(hyperoru::is_retryable_failure(method, unsent) == row.idempotent);
            CHECK(hyperoru::is_retryable_failure(method, sent) == row.idempotent);
        }
        for (const auto& method : k_other) {
            INFO(method << " " << hyperoru::http::to_string(row.kind));
            CHECK(hyperoru::is_retryable_failure(method, unsent) == row.other_unsent);
            CHECK(hyperoru::is_retryable_failure(method, sent) == row.other_sent);
        }
    }
}

TEST_CASE("backoff doubles from the base delay and adds rounded jitter", "[retry]") {
    const RetryPolicy policy;  // 1000 ms base, 250 ms jitter
    const std::vector<long long> base = {1000, 2000, 4000, 8000};
    for (int retry = 1; retry <= 4; ++retry) {
        const long long expected = base[static_cast<std::size_t>(retry - 1)];
        INFO("retry " << retry);
        CHECK(hyperoru::backoff_delay(policy, retry, 0.0).count() == expected);
        CHECK(hyperoru::backoff_delay(policy, retry, 0.5).count() == expected + 125);
        CHECK(hyperoru::backoff_delay(policy, retry, 0.999).count() == expected + 250);
    }
}

TEST_CASE("backoff follows a custom policy", "[retry]") {
    RetryPolicy policy;
    policy.base_delay = milliseconds{100};
    policy.max_jitter = milliseconds{0};
    CHECK(hyperoru::backoff_delay(policy, 1, 0.9).count() == 100);
    CHECK(hyperoru::backoff_delay(policy, 3, 0.9).count() == 400);
}

TEST_CASE("backoff never overflows and never goes negative", "[retry]") {
    const RetryPolicy policy;
    const long long capped = 1000LL << 20;  // 2^20 s
    CHECK(hyperoru::backoff_delay(policy, 21, 0.0).count() == capped);
    CHECK(hyperoru::backoff_delay(policy, 64, 0.0).count() == capped);
    CHECK(hyperoru::backoff_delay(policy, 1000, 0.0).count() == capped);
    CHECK(hyperoru::backoff_delay(policy, INT_MAX, 0.5).count() == capped + 125);
    // Retry numbers below 1 are treated as the first retry.
    CHECK(hyperoru::backoff_delay(policy, 0, 0.0).count() == 1000);
    CHECK(hyperoru::backoff_delay(policy, INT_MIN, 0.0).count() == 1000);
    // Randomness outside [0, 1) from a custom clock is clamped.
    CHECK(hyperoru::backoff_delay(policy, 1, -3.0).count() == 1000);
    CHECK(hyperoru::backoff_delay(policy, 1, 7.0).count() == 1250);

    RetryPolicy huge;
    huge.base_delay = milliseconds::max();
    huge.max_jitter = milliseconds::max();
    CHECK(hyperoru::backoff_delay(huge, 30, 0.999) == milliseconds::max());
}

TEST_CASE("Retry-After delta-seconds", "[retry]") {
    using hyperoru::parse_retry_after;
    CHECK(parse_retry_after("2", k_now) == milliseconds{2000});
    CHECK(parse_retry_after("  7 ", k_now) == milliseconds{7000});
    CHECK(parse_retry_after("0", k_now) == milliseconds{0});
    CHECK(parse_retry_after("120\r\n", k_now) == milliseconds{120000});
    // Too large to represent: RFC 9111's 2^31 seconds, not an overflow.
    CHECK(parse_retry_after("99999999999999999999999999", k_now) == milliseconds{2147483648LL * 1000});

    for (const char* bad : {"-1", "+1", "1.5", "abc", "", "   ", "1 2", "5s", "0x10"}) {
        INFO('"' << bad << '"');
        CHECK_FALSE(parse_retry_after(bad, k_now).has_value());
    }
}

TEST_CASE("Retry-After HTTP dates in all three forms", "[retry]") {
    using hyperoru::parse_retry_after;
    CHECK(parse_retry_after("Wed, 25 Nov 2026 12:00:30 GMT", k_now) == milliseconds{30000});
    CHECK(parse_retry_after("Wednesday, 25-Nov-26 12:01:00 GMT", k_now) == milliseconds{60000});
    CHECK(parse_retry_after("Wed Nov 25 12:00:05 2026", k_now) == milliseconds{5000});
    // asctime pads a one-digit day with a space.
    CHECK(parse_retry_after("Tue Dec  1 12:00:00 2026", k_now) == milliseconds{6LL * 86400000});
    CHECK(parse_retry_after("Tue, 01 Dec 2026 12:00:00 GMT", k_now) == milliseconds{6LL * 86400000});
    CHECK(parse_retry_after("  Wed, 25 Nov 2026 12:00:30 GMT\r\n", k_now) == milliseconds{30000});
    // A sub-second `now` rounds the wait up, never retrying early.
    CHECK(parse_retry_after("Wed, 25 Nov 2026 12:00:30 GMT", k_now + milliseconds{300}) ==
          milliseconds{29700});
    CHECK(parse_retry_after("Wed, 25 Nov 2026 12:00:30 GMT", k_now + microseconds{1}) == milliseconds{30000});
}

TEST_CASE("Retry-After dates in the past mean now", "[retry]") {
    using hyperoru::parse_retry_after;
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", k_now) == milliseconds{0});
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", k_now) == milliseconds{0});
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", k_now) == milliseconds{0});
    CHECK(parse_retry_after("Wed, 25 Nov 2026 12:00:00 GMT", k_now) == milliseconds{0});
    CHECK(parse_retry_after("Wed, 25 Nov 2026 11:59:59 GMT", k_now) == milliseconds{0});
}

TEST_CASE("Retry-After two-digit years follow RFC 9110", "[retry]") {
    using hyperoru::parse_retry_after;
    // From 2026, "76" is 50 years ahead (kept in this century); "77" would be 51: so 1977.
    const auto until_2076 = duration_cast<milliseconds>(sys_days{year{2076} / 1 / 1} - k_now);
    CHECK(parse_retry_after("Wednesday, 01-Jan-76 00:00:00 GMT", k_now) == until_2076);
    CHECK(parse_retry_after("Saturday, 01-Jan-77 00:00:00 GMT", k_now) == milliseconds{0});
    CHECK(parse_retry_after("Friday, 27-Nov-26 12:00:00 GMT", k_now) == milliseconds{2LL * 86400000});
}

TEST_CASE("Retry-After rejects malformed dates", "[retry]") {
    using hyperoru::parse_retry_after;
    for (const char* bad : {
             "Wed, 31 Nov 2026 12:00:00 GMT",  // November has 30 days
             "Sun, 29 Feb 2026 12:00:00 GMT",  // 2026 is not a leap year
             "Wed, 00 Nov 2026 12:00:00 GMT",  // day zero
             "Wed, 25 Foo 2026 12:00:00 GMT",  // no such month
             "Wed, 25 nov 2026 12:00:00 GMT",  // names are case-sensitive
             "Xyz, 25 Nov 2026 12:00:00 GMT",  // no such weekday
             "Wed, 25 Nov 2026 24:00:00 GMT",  // hour 24
             "Wed, 25 Nov 2026 12:60:00 GMT",  // minute 60
             "Wed, 25 Nov 2026 12:00:30 UTC",  // must be GMT
             "Wed, 25 Nov 2026 12:00:30",      // zone missing
             "Wed, 5 Nov 2026 12:00:30 GMT",   // IMF-fixdate needs two digits
             "Wed, 25 Nov 26 12:00:30 GMT",    // IMF-fixdate needs four digits
             "Wednesday, 31-Nov-26 12:00:00 GMT",
             "Wed Nov 31 12:00:00 2026",
             "Wed Nov 25 12:00:00 2026 GMT",
             "2026-11-25T12:00:30Z",
         }) {
        INFO(bad);
        CHECK_FALSE(parse_retry_after(bad, k_now).has_value());
    }
}

TEST_CASE("the system clock's sleep throws at once when already interrupted", "[retry]") {
    FlagGuard guard;
    hyperoru::interrupt_flag().store(true);
    const auto start = steady_clock::now();
    CHECK_THROWS_AS(hyperoru::system_clock_instance().sleep(seconds{10}), hyperoru::Interrupted);
    CHECK_THROWS_AS(hyperoru::system_clock_instance().sleep(milliseconds::max()), hyperoru::Interrupted);
    CHECK(steady_clock::now() - start < seconds{1});
}

TEST_CASE("the system clock's sleep ends early when interrupted meanwhile", "[retry]") {
    FlagGuard guard;
    std::thread interrupter([] {
        std::this_thread::sleep_for(milliseconds{50});
        hyperoru::interrupt_flag().store(true);
    });
    const auto start = steady_clock::now();
    CHECK_THROWS_AS(hyperoru::system_clock_instance().sleep(seconds{10}), hyperoru::Interrupted);
    CHECK(steady_clock::now() - start < seconds{1});
    interrupter.join();
}

TEST_CASE("the system clock sleeps, tells the time and draws from the unit interval", "[retry]") {
    auto& clock = hyperoru::system_clock_instance();
    const auto start = steady_clock::now();
    clock.sleep(milliseconds{30});
    CHECK(steady_clock::now() - start >= milliseconds{30});
    clock.sleep(milliseconds{0});
    clock.sleep(milliseconds{-5});

    CHECK(abs(clock.now() - system_clock::now()) < seconds{1});

    bool differs = false;
    const double first = clock.random_unit();
    for (int i = 0; i < 1000; ++i) {
        const double u = clock.random_unit();
        CHECK(u >= 0.0);
        CHECK(u < 1.0);
        differs = differs || u != first;
    }
    CHECK(differs);
}

TEST_CASE("the interrupt flag is one process-wide, lock-free object", "[retry]") {
    CHECK(&hyperoru::interrupt_flag() == &hyperoru::interrupt_flag());
    CHECK(hyperoru::interrupt_flag().is_lock_free());
}
