// Exact decimals over Int128 (see decimal.hpp).
#include "cli/decimal.hpp"

#include <algorithm>
#include <cstdint>

namespace hyperoru::cli {

namespace {

constexpr int k_max_digits = 30;  // 10^30 < 2^127 / 10^8: sums and percentages stay in range

Int128 pow10(int n) {
    Int128 value = 1;
    for (int i = 0; i < n; ++i) value *= 10;
    return value;
}

/// `units` at a larger scale; nullopt when it would not fit.
std::optional<Int128> rescale(Int128 units, int from, int to) {
    const Int128 factor = pow10(to - from);
    const Int128 limit = pow10(36);
    if (units > limit / factor || units < -limit / factor) return std::nullopt;
    return units * factor;
}

/// Divides rounding half away from zero.
Int128 divide_rounded(Int128 numerator, Int128 denominator) {
    const bool negative = (numerator < 0) != (denominator < 0);
    Int128 n = numerator < 0 ? -numerator : numerator;
    const Int128 d = denominator < 0 ? -denominator : denominator;
    Int128 q = n / d;
    if ((n % d) * 2 >= d) ++q;
    return negative ? -q : q;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    Int128 units = 0;
    int digits = 0;
    int scale = 0;
    bool any = false;
    bool point = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        any = true;
        if (units != 0 || c != '0') ++digits;
        if (digits > k_max_digits) return std::nullopt;
        units = units * 10 + (c - '0');
        if (point) ++scale;
    }
    if (!any) return std::nullopt;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) exponent_negative = text[i++] == '-';
        int exponent = 0;
        bool exponent_digits = false;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            exponent_digits = true;
            exponent = exponent * 10 + (text[i] - '0');
            if (exponent > k_max_digits) return std::nullopt;
        }
        if (!exponent_digits) return std::nullopt;
        if (exponent_negative) {
            scale += exponent;
        } else if (exponent <= scale) {
            scale -= exponent;
        } else {
            if (digits + exponent - scale > k_max_digits) return std::nullopt;
            units *= pow10(exponent - scale);
            scale = 0;
        }
        if (scale > k_max_digits) return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    return Decimal(negative ? -units : units, scale);
}

std::string Decimal::text() const {
    return text(m_scale);
}

std::string Decimal::text(int decimals) const {
    Int128 units = m_units;
    if (decimals < m_scale) {
        units = divide_rounded(units, pow10(m_scale - decimals));
    } else if (decimals > m_scale) {
        units *= pow10(decimals - m_scale);
    }
    const bool negative = units < 0;
    Int128 magnitude = negative ? -units : units;
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
        magnitude /= 10;
    } while (magnitude != 0);
    if (decimals > 0) {
        if (static_cast<int>(digits.size()) <= decimals)
            digits.insert(0, static_cast<std::size_t>(decimals + 1) - digits.size(), '0');
        digits.insert(digits.size() - static_cast<std::size_t>(decimals), 1, '.');
    }
    return negative ? "-" + digits : digits;
}

std::string Decimal::signed_text() const {
    return m_units > 0 ? "+" + text() : text();
}

std::optional<Decimal> Decimal::plus(const Decimal& other) const {
    const int scale = std::max(m_scale, other.m_scale);
    const auto a = rescale(m_units, m_scale, scale);
    const auto b = rescale(other.m_units, other.m_scale, scale);
    if (!a || !b) return std::nullopt;
    return Decimal(*a + *b, scale);
}

std::optional<Decimal> Decimal::minus(const Decimal& other) const {
    return plus(Decimal(-other.m_units, other.m_scale));
}

std::optional<Decimal> Decimal::percent_of(const Decimal& base, int decimals) const {
    if (base.m_units == 0) return std::nullopt;
    // this / base × 100 at `decimals`: (u_a / 10^s_a) / (u_b / 10^s_b) × 10^(2 + decimals) units.
    const int shift = 2 + decimals + base.m_scale - m_scale;
    Int128 numerator = m_units;
    Int128 denominator = base.m_units;
    if (shift >= 0) {
        const auto scaled = rescale(numerator, 0, shift);
        if (!scaled) return std::nullopt;
        numerator = *scaled;
    } else {
        const auto scaled = rescale(denominator, 0, -shift);
        if (!scaled) return std::nullopt;
        denominator = *scaled;
    }
    return Decimal(divide_rounded(numerator, denominator), decimals);
}

std::optional<std::int64_t> Decimal::units_at(int scale) const {
    if (scale < m_scale) return std::nullopt;
    const auto units = rescale(m_units, m_scale, scale);
    if (!units || *units > INT64_MAX || *units < INT64_MIN) return std::nullopt;
    return static_cast<std::int64_t>(*units);
}

int Decimal::compare(const Decimal& other) const {
    const auto difference = minus(other);
    return difference ? difference->sign() : (m_units < other.m_units ? -1 : 1);
}

std::string decimal_sum(const std::vector<std::string>& texts) {
    Decimal sum = Decimal::from_int(0);
    for (const auto& text : texts) {
        const auto value = Decimal::parse(text);
        if (!value) return "";
        const auto next = sum.plus(*value);
        if (!next) return "";
        sum = *next;
    }
    return sum.text();
}

}  // namespace hyperoru::cli
