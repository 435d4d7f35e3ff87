#pragma once
// Charts as lines of text: candlesticks, a line, a sparkline. Pure functions over plain data (no
// CLI11, no JSON, no terminal), so `klines --chart`, `asset-curve --chart` and a dashboard can all
// draw with them. Numbers arrive as the server's decimal text and are read as scaled integers, so
// axis labels keep the data's own decimals and never show a float artefact.
//
// Layout of a chart of width W and height H (each line exactly W columns, exactly H lines):
//   line 0         the legend: title, glyph key, "last N of M", last value, range, skipped input
//   lines 1..H-2   the plot, two price levels per row (half blocks), then the price axis on the
//                  right: "┤ label" on labelled rows (top = highest, bottom = lowest price shown,
//                  every third row between: the middle of that row), "│" on the others
//   line H-1       the time axis: labels ("MM-DD HH:MM" from ISO 8601) under their candle or point
//                  (a line chart's label that would run past the edge ends at it), never overlapping
// Candles: one column each with a blank column between them when they fit twice over, else one
// column each; more candles than columns: the most recent that fit. Up candles (close >= open)
// are drawn with heavy lines (┃ ╹ ╻ ╿ ╽), "hollow", down candles with blocks (█ ▀ ▄), "filled";
// wicks are light lines (│ ╵ ╷). With colour, up is green (SGR 32), down red (SGR 31).
// Text from the data (times, title) is shown as printable ASCII only ('?' for anything else).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::cli {

/// One candle, its numbers as the server's decimal text ("67012.50", "1.2e-7").
struct Candle {
    std::string time{};  ///< ISO 8601 ("2026-04-01T00:00:00Z"), or epoch seconds or milliseconds
    std::string open{}, high{}, low{}, close{};
};

/// One point of a line series (an equity curve).
struct Point {
    std::string time{};
    std::string value{};
};

struct ChartStyle {
    bool color = false;   ///< ANSI SGR colours (green up, red down); off: plain text
    std::string title{};  ///< first on the legend line, e.g. "BTC 1h"
};

/// The smallest chart drawn; anything smaller gives one line instead of the chart: "terminal too
/// small for a chart (needs 20×6)" (that line, like "no data to chart", is not padded to a width).
inline constexpr int k_chart_min_width = 20;
inline constexpr int k_chart_min_height = 6;

/// The one line drawn instead of a chart when there is nothing to draw.
inline constexpr std::string_view k_chart_no_data = "no data to chart";

/// The candlestick chart: `height` lines of `width` columns each. One line instead when there is
/// nothing to draw ("no data to chart": no candle, or none with four numbers) or the size is too
/// small ("terminal too small for a chart (needs 20×6)"; more columns when the price labels are
/// long). A candle whose numbers are not decimal text is skipped (the legend counts them).
std::vector<std::string> candlestick_chart(const std::vector<Candle>& candles, int width, int height,
                                           const ChartStyle& style);

/// The line chart of `points`, laid out as candlestick_chart: the points spread over the width
/// (one column each when there are more: the most recent that fit) and joined by a line of half
/// blocks (█ ▀ ▄). With colour, green when the last value is at or above the first, else red.
std::vector<std::string> line_chart(const std::vector<Point>& points, int width, int height,
                                    const ChartStyle& style);

/// One line of exactly `width` columns: the last `width` values as ▁▂▃▄▅▆▇█ (lowest to highest
/// of those shown; all equal: ▄), left aligned, padded with spaces. Values that are not decimal
/// text are skipped. Empty for a width below 1.
std::string sparkline(const std::vector<std::string>& values, int width);

/// The text of a time axis label: "MM-DD HH:MM" from ISO 8601 (or epoch seconds/milliseconds,
/// UTC), "MM-DD" from a date; other text as printable ASCII, at most 16 characters.
std::string time_label(std::string_view time);

}  // namespace hyperoru::cli
