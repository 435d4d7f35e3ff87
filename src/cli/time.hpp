#pragma once
// Times the CLI reads from users and config files, and writes back: ISO 8601 in UTC.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hyperoru::cli {

/// "2026-11-25T09:30:00Z": UTC, whole seconds.
std::string iso_utc(std::chrono::system_clock::time_point t);

/// ISO 8601 date or date-time: YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)fraction]]][Z|z|+HH:MM|-HH:MM|+HHMM|+HH].
/// A date alone is midnight UTC; no zone means UTC. nullopt when invalid (also 2026-02-30).
std::optional<std::chrono::sys_seconds> parse_iso(std::string_view text);

/// A time-range bound given by a user (--start/--end): "now"; a relative duration before now,
/// "<N>s|m|h|d|w" (e.g. "24h", "7d", "90m"); or an ISO 8601 date or date-time. The result
/// is what the client sends: an ISO 8601 UTC date-time ("2026-11-24T09:30:00Z"), except that a
/// plain date ("2026-04-01") is passed on unchanged as the contract's example does.
/// Throws hyperoru::UsageError naming the text and the accepted forms when invalid.
std::string resolve_time_bound(std::string_view text, std::chrono::system_clock::time_point now);

}  // namespace hyperoru::cli
