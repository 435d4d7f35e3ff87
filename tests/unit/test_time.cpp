// Times read from users (--start/--end) and written to the config file: ISO 8601, always UTC.
#include <catch2/catch.hpp>

#include <string>

#include "cli/time.hpp"
#include "hyperoru/errors.hpp"

using hyperoru::cli::iso_utc;
using hyperoru::cli::parse_iso;
using hyperoru::cli::resolve_time_bound;
using namespace std::chrono;

namespace {

// 2026-11-25T12:00:00Z plus a fraction that must never show up in the output.
const system_clock::time_point k_now = sys_days{year{2026} / November / 25} + hours{12} + milliseconds{750};

std::string resolve(const std::string& text) {
    return resolve_time_bound(text, k_now);
}

std::optional<std::string> parsed(const std::string& text) {
    const auto t = parse_iso(text);
    if (!t) return std::nullopt;
    return iso_utc(*t);
}

}  // namespace

TEST_CASE("time: iso_utc writes whole seconds in UTC", "[time]") {
    CHECK(iso_utc(k_now) == "2026-11-25T12:00:00Z");
    CHECK(iso_utc(system_clock::time_point{}) == "1970-01-01T00:00:00Z");
    CHECK(iso_utc(sys_days{year{2024} / February / 29} + hours{23} + minutes{59} + seconds{59}) ==
          "2024-02-29T23:59:59Z");
    // Before the epoch the seconds are floored, not truncated toward zero.
    CHECK(iso_utc(system_clock::time_point{} - milliseconds{1}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("time: parse_iso reads dates and date-times", "[time]") {
    CHECK(parsed("2026-04-01") == "2026-04-01T00:00:00Z");
    CHECK(parsed("2026-04-01T10:00") == "2026-04-01T10:00:00Z");
    CHECK(parsed("2026-04-01T10:00:05") == "2026-04-01T10:00:05Z");
    CHECK(parsed("2026-04-01t10:00:05z") == "2026-04-01T10:00:05Z");
    CHECK(parsed("2026-04-01 10:00:05Z") == "2026-04-01T10:00:05Z");
    CHECK(parsed("2026-04-01T10:00:05.999999Z") == "2026-04-01T10:00:05Z");
    CHECK(parsed("2026-04-01T10:00:05,5") == "2026-04-01T10:00:05Z");
    CHECK(parsed("2024-02-29T00:00:00Z") == "2024-02-29T00:00:00Z");
    CHECK(parsed("2026-12-31T23:59:60Z") == "2027-01-01T00:00:00Z");  // a leap second
}

TEST_CASE("time: parse_iso converts zone offsets to UTC", "[time]") {
    CHECK(parsed("2026-04-01T10:00:00+02:00") == "2026-04-01T08:00:00Z");
    CHECK(parsed("2026-04-01T10:00:00+0200") == "2026-04-01T08:00:00Z");
    CHECK(parsed("2026-04-01T10:00:00+02") == "2026-04-01T08:00:00Z");
    CHECK(parsed("2026-04-01T10:00:00-05:30") == "2026-04-01T15:30:00Z");
    CHECK(parsed("2026-04-01T01:00:00+05:30") == "2026-03-31T19:30:00Z");
    CHECK(parsed("2026-12-31T23:00:00-02:00") == "2027-01-01T01:00:00Z");
    CHECK(parsed("2026-04-01T10:00:00+14:00") == "2026-03-31T20:00:00Z");
    CHECK(parsed("2026-04-01T10:00:00-00:00") == "2026-04-01T10:00:00Z");
}

TEST_CASE("time: parse_iso rejects impossible dates, times and offsets", "[time]") {
    for (const char* bad : {"2026-02-30",
                            "2025-02-29",
                            "2026-13-01",
                            "2026-00-10",
                            "2026-04-00",
                            "2026-04-31",
                            "2026-04-01T25:00",
                            "2026-04-01T24:00",
                            "2026-04-01T10:60",
                            "2026-04-01T10:00:61",
                            "2026-04-01T10:00:00+14:01",
                            "2026-04-01T10:00:00+15:00",
                            "2026-04-01T10:00:00+02:60",
                            "2026-04-01T10:00:00+2",
                            "2026-04-01T10:00:00+02:",
                            "2026-04-01T10:00:00+02:0",
                            "2026-04-01T10:00:00+020",
                            "2026-04-01T10:00:00Z ",
                            "2026-04-01T10:00:00.Z",
                            "2026-04-01T10:00:00ZZ",
                            "2026-04-01T10",
                            "2026-04-01T1:00",
                            "2026-04-01T",
                            "2026-4-01",
                            "26-04-01",
                            "-026-04-01",
                            "+026-04-01",
                            "2026/04/01",
                            "2026-04-01x",
                            " 2026-04-01",
                            "",
                            "now"}) {
        INFO(bad);
        CHECK_FALSE(parse_iso(bad));
    }
}

TEST_CASE("time: resolve_time_bound turns now and durations into UTC times", "[time]") {
    CHECK(resolve("now") == "2026-11-25T12:00:00Z");
    CHECK(resolve("30s") == "2026-11-25T11:59:30Z");
    CHECK(resolve("90m") == "2026-11-25T10:30:00Z");
    CHECK(resolve("24h") == "2026-11-24T12:00:00Z");
    CHECK(resolve("7d") == "2026-11-18T12:00:00Z");
    CHECK(resolve("2w") == "2026-11-11T12:00:00Z");
    CHECK(resolve("365d") == "2025-11-25T12:00:00Z");
    CHECK(resolve("007d") == "2026-11-18T12:00:00Z");
    CHECK(resolve("5200w") == "1927-03-30T12:00:00Z");  // within the 100-year bound
}

TEST_CASE("time: resolve_time_bound passes a plain date and converts date-times to UTC", "[time]") {
    CHECK(resolve("2026-04-01") == "2026-04-01");
    CHECK(resolve("2026-04-09") == "2026-04-09");
    CHECK(resolve("2026-04-01T10:00:00+02:00") == "2026-04-01T08:00:00Z");
    CHECK(resolve("2026-04-01T10:00:00Z") == "2026-04-01T10:00:00Z");
    CHECK(resolve("2026-04-01T10:00") == "2026-04-01T10:00:00Z");
    CHECK(resolve("2026-04-01 10:00:00.123456") == "2026-04-01T10:00:00Z");
    CHECK(resolve("2026-04-01T00:30:00+01:00") == "2026-03-31T23:30:00Z");
}

TEST_CASE("time: resolve_time_bound rejects anything else with a usage error", "[time]") {
    for (const char* bad : {"",
                            "-5h",
                            "+5h",
                            "5x",
                            "5",
                            "h",
                            "0h",
                            "5 h",
                            " 5h",
                            "5h ",
                            "5H",
                            "1.5h",
                            "5hh",
                            "Now",
                            "now ",
                            "yesterday",
                            "2026-02-30",
                            "2026-13-01",
                            "2026-04-01T25:00",
                            "5219w",
                            "36525d",
                            "99999999999999999999999999s",
                            "2026-04-01T10:00:00+15:00"}) {
        INFO(bad);
        CHECK_THROWS_AS(resolve(bad), hyperoru::UsageError);
    }
    CHECK_THROWS_WITH(resolve("5x"),
                      "invalid time '5x': use now, a duration like 24h or 7d, or an ISO 8601 date/time");
    CHECK_THROWS_WITH(resolve(""),
                      "invalid time '': use now, a duration like 24h or 7d, or an ISO 8601 date/time");
}
