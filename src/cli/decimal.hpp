#pragma once
// Exact decimal arithmetic on the server's number text: sums, differences, percentages and
// comparisons that never go through a double, so "10012.50" + "0.08" is "10012.58" and a
// total keeps the digits its parts had (contract §1.6: numbers are shown as sent).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::cli {

/// 128-bit integers: a GCC and Clang extension (said so, for -Wpedantic).
__extension__ typedef __int128 Int128;

class Decimal {
public:
    /// A JSON number's text (or a decimal in a string: "0.8125"): sign, digits, an optional
    /// fraction and exponent. nullopt for anything else, or beyond 30 significant digits.
    static std::optional<Decimal> parse(std::string_view text);
    static Decimal from_int(long long value) { return Decimal(value, 0); }
    /// units × 10^-scale: from_units(6701250, 2) is 67012.50.
    static Decimal from_units(Int128 units, int scale) { return Decimal(units, scale); }

    /// The value with its own scale: "10012.50" stays "10012.50", "-0.00" reads "0.00".
    std::string text() const;
    /// The same value with `decimals` digits after the point, rounded half away from zero.
    std::string text(int decimals) const;
    /// Text with a sign always: "+12.50", "-3.10", "0.00" (zero has none).
    std::string signed_text() const;

    int scale() const noexcept { return m_scale; }
    /// The value × 10^scale as a 64-bit integer, for a scale at least this one's (a chart's
    /// common scale); nullopt when it does not fit, or would lose digits.
    std::optional<std::int64_t> units_at(int scale) const;
    int sign() const noexcept { return m_units > 0 ? 1 : m_units < 0 ? -1 : 0; }

    /// Exact sum and difference (the larger scale); nullopt on overflow.
    std::optional<Decimal> plus(const Decimal& other) const;
    std::optional<Decimal> minus(const Decimal& other) const;
    /// 100 × this / base with `decimals` digits (half away from zero); nullopt when base is 0.
    std::optional<Decimal> percent_of(const Decimal& base, int decimals) const;
    /// -1, 0 or 1.
    int compare(const Decimal& other) const;

private:
    Decimal(Int128 units, int scale) : m_units(units), m_scale(scale) {}
    Int128 m_units = 0;  ///< the value × 10^scale
    int m_scale = 0;
};

/// A sum of decimal texts (the largest scale among them); "" when any is not a number.
std::string decimal_sum(const std::vector<std::string>& texts);

}  // namespace hyperoru::cli
