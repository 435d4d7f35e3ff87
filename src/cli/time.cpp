// ISO 8601 reading and writing with <chrono> calendar types only: timegm, mktime and strptime
// depend on the process's TZ and locale, and the CLI must give the same answer everywhere.
#include "cli/time.hpp"

#include <cstdint>
#include <cstdio>

#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

using namespace std::chrono;

constexpr int k_max_offset_minutes = 14 * 60;  // UTC+14 (Kiribati) is the widest zone in use

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Exactly `count` ASCII digits; from_chars alone would also take a sign.
bool read_digits(std::string_view& s, std::size_t count, int& out) {
    if (s.size() < count) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!is_digit(s[i])) return false;
        value = value * 10 + (s[i] - '0');
    }
    out = value;
    s.remove_prefix(count);
    return true;
}

bool eat(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// "Z", "z", "±HH", "±HHMM" or "±HH:MM" as minutes east of UTC; nullopt when malformed.
std::optional<int> read_zone(std::string_view& s) {
    if (eat(s, 'Z') || eat(s, 'z')) return 0;
    if (s.empty() || (s.front() != '+' && s.front() != '-')) return std::nullopt;
    const int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int hh = 0;
    int mm = 0;
    if (!read_digits(s, 2, hh)) return std::nullopt;
    if (eat(s, ':')) {
        if (!read_digits(s, 2, mm)) return std::nullopt;
    } else if (!s.empty() && !read_digits(s, 2, mm)) {
        return std::nullopt;
    }
    const int total = hh * 60 + mm;
    if (mm > 59 || total > k_max_offset_minutes) return std::nullopt;
    return sign * total;
}

// The largest relative duration accepted: far beyond any market history, far below overflow.
constexpr seconds k_max_relative = duration_cast<seconds>(years{100});

std::optional<seconds> parse_relative(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    seconds unit{0};
    switch (text.back()) {
        case 's': unit = seconds{1}; break;
        case 'm': unit = minutes{1}; break;
        case 'h': unit = hours{1}; break;
        case 'd': unit = days{1}; break;
        case 'w': unit = weeks{1}; break;
        default: return std::nullopt;
    }
    text.remove_suffix(1);
    std::int64_t count = 0;
    for (char c : text) {
        if (!is_digit(c)) return std::nullopt;
        count = count * 10 + (c - '0');
        // Checked per digit, so a long string of digits cannot overflow before the test.
        if (count > k_max_relative / unit) return std::nullopt;
    }
    if (count == 0) return std::nullopt;
    return count * unit;
}

}  // namespace

std::string iso_utc(system_clock::time_point t) {
    const auto secs = floor<seconds>(t);
    const auto midnight = floor<days>(secs);
    const year_month_day ymd{midnight};
    const hh_mm_ss hms{secs - midnight};
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buffer;
}

std::optional<sys_seconds> parse_iso(std::string_view s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_digits(s, 4, y) || !eat(s, '-') || !read_digits(s, 2, mo) || !eat(s, '-') ||
        !read_digits(s, 2, d)) {
        return std::nullopt;
    }
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    if (eat(s, 'T') || eat(s, 't') || eat(s, ' ')) {
        if (!read_digits(s, 2, h) || !eat(s, ':') || !read_digits(s, 2, mi)) return std::nullopt;
        if (eat(s, ':')) {
            if (!read_digits(s, 2, sec)) return std::nullopt;
            if (eat(s, '.') || eat(s, ',')) {
                if (s.empty() || !is_digit(s.front())) return std::nullopt;
                while (!s.empty() && is_digit(s.front())) s.remove_prefix(1);  // whole seconds only
            }
        }
        // 60 admits a leap second; it lands on the next minute's first second.
        if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    }
    int offset_minutes = 0;
    if (!s.empty()) {
        const auto zone = read_zone(s);
        if (!zone || !s.empty()) return std::nullopt;
        offset_minutes = *zone;
    }
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_minutes};
}

std::string resolve_time_bound(std::string_view text, system_clock::time_point now) {
    if (text == "now") return iso_utc(now);
    if (const auto ago = parse_relative(text)) return iso_utc(now - *ago);
    if (const auto when = parse_iso(text)) {
        // §1.5: user-supplied values pass unchanged; a date alone needs no conversion to UTC.
        if (text.size() == 10) return std::string(text);
        return iso_utc(*when);
    }
    throw UsageError("invalid time '" + std::string(text) +
                     "': use now, a duration like 24h or 7d, or an ISO 8601 date/time");
}

}  // namespace hyperoru::cli
