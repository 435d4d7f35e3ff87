// Charts as text (see chart.hpp for the layout). Prices are scaled integers throughout: the
// position of a price on screen, the axis labels and the legend all come from exact integer
// arithmetic (rounded half up), so a label is always a decimal of the data's own precision.
#include "cli/chart.hpp"

#include "cli/decimal.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>

namespace hyperoru::cli {

namespace {

// 128 bits for products of a price span and a level count, which overflow 64 bits for 18-digit
// prices.
using Wide = Int128;

constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_reset = "\x1b[0m";
constexpr int k_label_every = 3;  ///< rows between price labels
constexpr int k_min_plot = 4;     ///< columns of the plot, at the least

/// Columns of text made of ASCII and the chart's own glyphs (each one column): code points.
std::size_t columns_of(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// Printable ASCII only: text from the data can neither move the cursor nor upset the widths.
std::string ascii(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
        } else if (c < 0x80 || c >= 0xC0) {
            out += '?';  // one '?' per character: continuation bytes add nothing
        }
    }
    return out;
}

std::string pad_to(std::string text, int width) {
    const auto used = static_cast<int>(columns_of(text));
    if (used < width) text.append(static_cast<std::size_t>(width - used), ' ');
    return text;
}

std::string too_small(int width) {
    return "terminal too small for a chart (needs " + std::to_string(width) + "\u00d7" +
           std::to_string(k_chart_min_height) + ")";
}

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// floor(a / b) for b > 0.
Wide floor_div(Wide a, Wide b) {
    const Wide q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// units × 10^-scale as text with exactly `scale` decimals ("67012.50").
std::string format_decimal(std::int64_t units, int scale) {
    return Decimal::from_units(units, scale).text();
}

/// Values read from text at one common scale (the largest among them), with what was skipped.
struct Series {
    std::vector<std::vector<std::int64_t>> rows;  ///< per accepted item, its values in order
    std::vector<std::size_t> index;               ///< per accepted item, its index in the input
    int scale = 0;
    std::size_t skipped = 0;
};

Series read_series(const std::vector<std::vector<std::string_view>>& texts) {
    Series series;
    std::vector<std::vector<Decimal>> parsed;
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        std::vector<Decimal> values;
        for (const auto text : texts[i]) {
            const auto d = Decimal::parse(text);
            if (!d) break;
            values.push_back(*d);
        }
        if (values.size() != texts[i].size()) {
            ++series.skipped;
            continue;
        }
        for (const auto& d : values) series.scale = std::max(series.scale, d.scale());
        parsed.push_back(std::move(values));
        kept.push_back(i);
    }
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        std::vector<std::int64_t> row;
        for (const auto& d : parsed[i]) {
            const auto units = d.units_at(series.scale);
            if (!units) break;
            row.push_back(*units);
        }
        if (row.size() != parsed[i].size()) {
            ++series.skipped;
            continue;
        }
        series.rows.push_back(std::move(row));
        series.index.push_back(kept[i]);
    }
    return series;
}

/// The lowest and highest value of every row (a candle's four, a point's one).
std::pair<std::int64_t, std::int64_t> range_of(const Series& series) {
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (const auto& row : series.rows) {
        lo = std::min(lo, *std::min_element(row.begin(), row.end()));
        hi = std::max(hi, *std::max_element(row.begin(), row.end()));
    }
    return {lo, hi};
}

enum class Ink { none, up, down };

struct Cell {
    std::string_view glyph = " ";
    Ink ink = Ink::none;
};

std::string_view ink_sgr(Ink ink) {
    return ink == Ink::up ? k_green : ink == Ink::down ? k_red : std::string_view{};
}

/// The plot part of a row: with colour, one SGR where the colour changes and a reset after the
/// last glyph of each colour (the blanks between glyphs of one colour stay inside it).
std::string plot_text(const std::vector<Cell>& cells, bool colour) {
    std::string out;
    std::size_t blanks = 0;  // blanks not yet written: inside a colour or after it
    Ink current = Ink::none;
    for (const auto& cell : cells) {
        if (cell.glyph == " ") {
            ++blanks;
            continue;
        }
        if (colour && cell.ink != current) {
            if (current != Ink::none) out += k_reset;
            out.append(blanks, ' ');
            current = cell.ink;
            out += ink_sgr(current);
        } else {
            out.append(blanks, ' ');
        }
        blanks = 0;
        out += cell.glyph;
    }
    if (current != Ink::none) out += k_reset;
    out.append(blanks, ' ');
    return out;
}

/// A part of the legend: its text as shown (maybe coloured) and its plain text, for its width.
struct Part {
    std::string plain;
    std::string shown;
};

Part part(std::string text) {
    return {text, text};
}

/// The legend: the parts that fit, in order, two spaces apart, padded to `width`.
std::string legend(const std::vector<Part>& parts, int width) {
    std::string out;
    int used = 0;
    for (const auto& p : parts) {
        if (p.plain.empty()) continue;
        const int need = static_cast<int>(columns_of(p.plain)) + (used == 0 ? 0 : 2);
        if (used + need > width) continue;
        out += (used == 0 ? "" : "  ") + p.shown;
        used += need;
    }
    return out + std::string(static_cast<std::size_t>(width - used), ' ');
}

/// The price scale of one chart: the rows of the plot, two levels each, from `lo` to `hi`.
class Scale {
public:
    Scale(std::int64_t lo, std::int64_t hi, int rows) : m_lo(lo), m_hi(hi), m_rows(rows) {}

    int levels() const { return 2 * m_rows; }
    /// 0 (bottom) to levels() - 1 (top); a flat scale puts everything in the middle.
    int level(std::int64_t price) const {
        const int top = levels() - 1;
        if (m_hi == m_lo) return top / 2;
        const Wide span = static_cast<Wide>(m_hi) - m_lo;
        const Wide offset = static_cast<Wide>(price) - m_lo;
        return static_cast<int>(floor_div(offset * top * 2 + span, 2 * span));
    }
    /// The label of row `r` (0: top), if it has one: the highest price on the top row, the lowest
    /// on the bottom row, and every k_label_every rows the middle of the row.
    std::optional<std::int64_t> label(int r) const {
        if (m_hi == m_lo) {
            if (r == (levels() - 1 - level(m_lo)) / 2) return m_lo;
            return std::nullopt;
        }
        if (r == 0) return m_hi;
        if (r == m_rows - 1) return m_lo;
        if (r % k_label_every != 0 || r > m_rows - 3) return std::nullopt;
        const int j = m_rows - 1 - r;  // from the bottom
        const int top = levels() - 1;
        const Wide span = static_cast<Wide>(m_hi) - m_lo;
        return m_lo + static_cast<std::int64_t>(floor_div(span * (4 * j + 1) + top, 2 * top));
    }

private:
    std::int64_t m_lo, m_hi;
    int m_rows;
};

/// The size of the parts of a chart: the plot, then "┤ " and the labels.
struct Frame {
    int width = 0;
    int height = 0;
    int rows = 0;         ///< of the plot: height - 2
    int label_width = 0;  ///< of the price labels
    int plot = 0;         ///< columns of the plot
};

/// The frame for prices within [lo, hi] at `scale`, or the one line that says why there is none.
std::optional<Frame> frame_for(int width, int height, std::int64_t lo, std::int64_t hi, int scale,
                               std::vector<std::string>& message) {
    if (width < k_chart_min_width || height < k_chart_min_height) {
        message = {too_small(k_chart_min_width)};
        return std::nullopt;
    }
    Frame f;
    f.width = width;
    f.height = height;
    f.rows = height - 2;
    f.label_width =
        static_cast<int>(std::max(format_decimal(lo, scale).size(), format_decimal(hi, scale).size()));
    f.plot = width - 2 - f.label_width;
    if (f.plot < k_min_plot) {
        message = {too_small(std::max(k_chart_min_width, k_min_plot + 2 + f.label_width))};
        return std::nullopt;
    }
    return f;
}

/// A chart's values and frame, read from `texts`.
struct Prepared {
    Series series;
    Frame frame;
};

/// The values and the frame of a chart, or nullopt with the one line to show instead in
/// `message` (too small, no data).
std::optional<Prepared> prepare(const std::vector<std::vector<std::string_view>>& texts, int width,
                                int height, std::vector<std::string>& message) {
    Series series = read_series(texts);
    if (width < k_chart_min_width || height < k_chart_min_height) {
        message = {too_small(k_chart_min_width)};
        return std::nullopt;
    }
    if (series.rows.empty()) {
        message = {std::string(k_chart_no_data)};
        return std::nullopt;
    }
    const auto [lo, hi] = range_of(series);
    const auto frame = frame_for(width, height, lo, hi, series.scale, message);
    if (!frame) return std::nullopt;
    return Prepared{std::move(series), *frame};
}

/// The time axis: each label starts at its column, left to right, where it fits after the one
/// before (two columns apart) and before the end of the line. With `shift`, a label that would run
/// past the end starts early enough to end there (a line's last point is at the right edge);
/// candles keep each label starting under its own candle.
std::string time_axis(const std::vector<std::pair<int, std::string>>& marks, int width, bool shift) {
    std::string line;
    int next = 0;
    for (const auto& [mark, text] : marks) {
        const int length = static_cast<int>(text.size());
        const int x = shift ? std::min(mark, width - length) : mark;
        if (x < next || x + length > width) continue;
        line.append(static_cast<std::size_t>(x - static_cast<int>(line.size())), ' ');
        line += text;
        next = x + length + 2;
    }
    return pad_to(line, width);
}

/// The labels of `times`; when every one is "MM-DD 00:00", the dates alone.
std::vector<std::string> time_labels(const std::vector<std::string_view>& times) {
    std::vector<std::string> labels;
    bool midnight = !times.empty();
    for (const auto time : times) {
        labels.push_back(time_label(time));
        const std::string& l = labels.back();
        midnight = midnight && l.size() == 11 && l[2] == '-' && l.ends_with(" 00:00");
    }
    if (midnight) {
        for (auto& l : labels) l.resize(5);
    }
    return labels;
}

/// The rows of the plot with the price axis, then the time axis.
std::vector<std::string> assemble(const Frame& f, const Scale& scale, int decimals,
                                  const std::vector<std::vector<Cell>>& grid, bool colour,
                                  const std::string& legend_line,
                                  const std::vector<std::pair<int, std::string>>& marks, bool shift_marks) {
    std::vector<std::string> lines;
    lines.push_back(legend_line);
    for (int r = 0; r < f.rows; ++r) {
        std::string line = plot_text(grid[static_cast<std::size_t>(r)], colour);
        const auto label = scale.label(r);
        line += label ? "\u2524 " : "\u2502 ";
        std::string text = label ? format_decimal(*label, decimals) : "";
        line += std::string(static_cast<std::size_t>(f.label_width) - text.size(), ' ') + text;
        lines.push_back(std::move(line));
    }
    lines.push_back(time_axis(marks, f.width, shift_marks));
    return lines;
}

enum State { k_empty = 0, k_wick = 1, k_body = 2 };

// [upper half][lower half]: up candles in heavy lines ("hollow"), down candles in blocks.
constexpr std::array<std::array<std::string_view, 3>, 3> k_up_glyphs{{
    {" ", "\u2577", "\u257b"},       // ' ' ╷ ╻
    {"\u2575", "\u2502", "\u257d"},  // ╵ │ ╽
    {"\u2579", "\u257f", "\u2503"},  // ╹ ╿ ┃
}};
constexpr std::array<std::array<std::string_view, 3>, 3> k_down_glyphs{{
    {" ", "\u2577", "\u2584"},       // ' ' ╷ ▄
    {"\u2575", "\u2502", "\u2584"},  // ╵ │ ▄
    {"\u2580", "\u2580", "\u2588"},  // ▀ ▀ █
}};

}  // namespace

std::string time_label(std::string_view time) {
    const auto digit = [&](std::size_t i) { return i < time.size() && time[i] >= '0' && time[i] <= '9'; };
    const bool date = time.size() >= 10 && digit(0) && digit(1) && digit(2) && digit(3) && time[4] == '-' &&
                      digit(5) && digit(6) && time[7] == '-' && digit(8) && digit(9);
    if (date) {
        const std::string day(time.substr(5, 5));
        const bool has_clock = time.size() >= 16 && (time[10] == 'T' || time[10] == 't' || time[10] == ' ') &&
                               digit(11) && digit(12) && time[13] == ':' && digit(14) && digit(15);
        if (has_clock) return day + " " + std::string(time.substr(11, 5));
        if (time.size() == 10) return day;
    }
    if (is_digits(time) && (time.size() == 10 || time.size() == 13)) {
        const std::time_t seconds = static_cast<std::time_t>(std::stoll(std::string(time.substr(0, 10))));
        std::tm utc{};
        if (::gmtime_r(&seconds, &utc) != nullptr) {
            char text[16];
            if (std::strftime(text, sizeof text, "%m-%d %H:%M", &utc) != 0) return text;
        }
    }
    std::string text = ascii(time);
    if (text.size() > 16) text.resize(16);
    return text;
}

std::vector<std::string> candlestick_chart(const std::vector<Candle>& candles, int width, int height,
                                           const ChartStyle& style) {
    std::vector<std::vector<std::string_view>> texts;
    for (const auto& c : candles) texts.push_back({c.open, c.high, c.low, c.close});
    std::vector<std::string> message;
    const auto prepared = prepare(texts, width, height, message);
    if (!prepared) return message;
    const Series& series = prepared->series;
    const Frame& f = prepared->frame;

    // The most recent candles that fit; with room for twice as many, a blank column after each.
    const std::size_t total = series.rows.size();
    const std::size_t shown = std::min(total, static_cast<std::size_t>(f.plot));
    const std::size_t first = total - shown;
    const int step = static_cast<int>(shown) * 2 <= f.plot ? 2 : 1;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = first; i < total; ++i) {
        const auto& row = series.rows[i];
        lo = std::min(lo, *std::min_element(row.begin(), row.end()));
        hi = std::max(hi, *std::max_element(row.begin(), row.end()));
    }
    const Scale scale(lo, hi, f.rows);

    std::vector<std::vector<Cell>> grid(static_cast<std::size_t>(f.rows),
                                        std::vector<Cell>(static_cast<std::size_t>(f.plot)));
    std::vector<std::string_view> times;
    for (std::size_t i = first; i < total; ++i) {
        const auto& v = series.rows[i];  // open, high, low, close
        const bool up = v[3] >= v[0];
        const int body_top = scale.level(std::max(v[0], v[3]));
        const int body_bottom = scale.level(std::min(v[0], v[3]));
        const int wick_top = std::max(scale.level(v[1]), body_top);
        const int wick_bottom = std::min(scale.level(v[2]), body_bottom);
        const auto state = [&](int k) {
            if (k >= body_bottom && k <= body_top) return k_body;
            if (k >= wick_bottom && k <= wick_top) return k_wick;
            return k_empty;
        };
        const auto x = static_cast<std::size_t>(static_cast<int>(i - first) * step);
        for (int r = 0; r < f.rows; ++r) {
            const int lower = 2 * (f.rows - 1 - r);
            const auto& glyphs = up ? k_up_glyphs : k_down_glyphs;
            grid[static_cast<std::size_t>(r)][x] = {glyphs[state(lower + 1)][state(lower)],
                                                    up ? Ink::up : Ink::down};
        }
        times.push_back(candles[series.index[i]].time);
    }

    std::vector<std::pair<int, std::string>> marks;
    const auto labels = time_labels(times);
    for (std::size_t i = 0; i < labels.size(); ++i) marks.emplace_back(static_cast<int>(i) * step, labels[i]);

    const bool colour = style.color;
    Part key{"\u2503 up \u2588 down", "\u2503 up \u2588 down"};
    if (colour) {
        key.shown = std::string(k_green) + "\u2503" + std::string(k_reset) + " up " + std::string(k_red) +
                    "\u2588" + std::string(k_reset) + " down";
    }
    const std::string last_close = format_decimal(series.rows.back()[3], series.scale);
    const std::vector<Part> parts{
        part(ascii(style.title)),
        key,
        part(shown < total ? "last " + std::to_string(shown) + " of " + std::to_string(total) : ""),
        part("close " + last_close),
        part("range " + format_decimal(lo, series.scale) + "\u2013" + format_decimal(hi, series.scale)),
        part(series.skipped > 0 ? std::to_string(series.skipped) + " skipped" : ""),
    };
    return assemble(f, scale, series.scale, grid, colour, legend(parts, f.width), marks, false);
}

std::vector<std::string> line_chart(const std::vector<Point>& points, int width, int height,
                                    const ChartStyle& style) {
    std::vector<std::vector<std::string_view>> texts;
    for (const auto& p : points) texts.push_back({p.value});
    std::vector<std::string> message;
    const auto prepared = prepare(texts, width, height, message);
    if (!prepared) return message;
    const Series& series = prepared->series;
    const Frame& f = prepared->frame;

    const std::size_t total = series.rows.size();
    const std::size_t shown = std::min(total, static_cast<std::size_t>(f.plot));
    const std::size_t first = total - shown;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = first; i < total; ++i) {
        lo = std::min(lo, series.rows[i][0]);
        hi = std::max(hi, series.rows[i][0]);
    }
    const Scale scale(lo, hi, f.rows);

    // Each point at its column (spread over the plot), the levels between joined straight.
    std::vector<int> xs;
    std::vector<int> levels;
    for (std::size_t i = 0; i < shown; ++i) {
        const int x = shown == 1 ? 0
                                 : static_cast<int>((static_cast<long long>(i) * (f.plot - 1) * 2 +
                                                     static_cast<long long>(shown - 1)) /
                                                    (2 * static_cast<long long>(shown - 1)));
        xs.push_back(x);
        levels.push_back(scale.level(series.rows[first + i][0]));
    }
    std::vector<int> column(static_cast<std::size_t>(xs.back() + 1));
    column[0] = levels[0];
    for (std::size_t i = 1; i < shown; ++i) {
        const int x0 = xs[i - 1];
        const int x1 = xs[i];
        for (int c = x0 + 1; c <= x1; ++c) {
            column[static_cast<std::size_t>(c)] =
                levels[i - 1] +
                static_cast<int>(floor_div(
                    static_cast<Wide>(levels[i] - levels[i - 1]) * (c - x0) * 2 + (x1 - x0), 2 * (x1 - x0)));
        }
    }
    const Ink ink = series.rows.back()[0] >= series.rows[first][0] ? Ink::up : Ink::down;
    std::vector<std::vector<Cell>> grid(static_cast<std::size_t>(f.rows),
                                        std::vector<Cell>(static_cast<std::size_t>(f.plot)));
    for (std::size_t c = 0; c < column.size(); ++c) {
        int from = column[c];
        int to = column[c];
        if (c > 0 && column[c] > column[c - 1]) from = column[c - 1] + 1;
        if (c > 0 && column[c] < column[c - 1]) to = column[c - 1] - 1;
        for (int r = 0; r < f.rows; ++r) {
            const int lower = 2 * (f.rows - 1 - r);
            const bool top_half = lower + 1 >= from && lower + 1 <= to;
            const bool bottom_half = lower >= from && lower <= to;
            const std::string_view glyph = top_half && bottom_half ? "\u2588"
                                           : top_half              ? "\u2580"
                                           : bottom_half           ? "\u2584"
                                                                   : " ";
            grid[static_cast<std::size_t>(r)][c] = {glyph, ink};
        }
    }

    std::vector<std::string_view> times;
    for (std::size_t i = first; i < total; ++i) times.push_back(points[series.index[i]].time);
    const auto labels = time_labels(times);
    std::vector<std::pair<int, std::string>> marks;
    for (std::size_t i = 0; i < labels.size(); ++i) marks.emplace_back(xs[i], labels[i]);

    const std::vector<Part> parts{
        part(ascii(style.title)),
        part(shown < total ? "last " + std::to_string(shown) + " of " + std::to_string(total) : ""),
        part("last " + format_decimal(series.rows.back()[0], series.scale)),
        part("range " + format_decimal(lo, series.scale) + "\u2013" + format_decimal(hi, series.scale)),
        part(series.skipped > 0 ? std::to_string(series.skipped) + " skipped" : ""),
    };
    return assemble(f, scale, series.scale, grid, style.color, legend(parts, f.width), marks, true);
}

std::string sparkline(const std::vector<std::string>& values, int width) {
    if (width < 1) return "";
    std::vector<std::vector<std::string_view>> texts;
    for (const auto& v : values) texts.push_back({v});
    const Series series = read_series(texts);
    const std::size_t shown = std::min(series.rows.size(), static_cast<std::size_t>(width));
    const std::size_t first = series.rows.size() - shown;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = first; i < series.rows.size(); ++i) {
        lo = std::min(lo, series.rows[i][0]);
        hi = std::max(hi, series.rows[i][0]);
    }
    static constexpr std::array<std::string_view, 8> k_bars{"\u2581", "\u2582", "\u2583", "\u2584",
                                                            "\u2585", "\u2586", "\u2587", "\u2588"};
    std::string out;
    for (std::size_t i = first; i < series.rows.size(); ++i) {
        std::size_t bar = 3;
        if (hi != lo) {
            const Wide span = static_cast<Wide>(hi) - lo;
            bar = static_cast<std::size_t>(
                floor_div((static_cast<Wide>(series.rows[i][0]) - lo) * 7 * 2 + span, 2 * span));
        }
        out += k_bars[bar];
    }
    return pad_to(out, width);
}

}  // namespace hyperoru::cli
