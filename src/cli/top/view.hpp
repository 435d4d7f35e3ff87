#pragma once
// What `hyperoru top` draws, as lines of styled text: the fleet page, a trader's page, the help
// and a chart. Pure: a Fleet, the page state, the time and a size in, exactly `height` lines of
// at most `width` columns out. The screen (top/screen.hpp) paints them with ncurses; tests read
// them as text; `top --once -o table` prints the fleet table from the same columns.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/top/fleet.hpp"

namespace hyperoru::cli::top {

/// A span's meaning; the screen gives each a colour (or none with NO_COLOR / --no-color, when
/// the signs and words carry it alone).
enum class Style : unsigned char { plain, title, header, dim, gain, loss, good, warn, bad, key };

struct Span {
    std::string text;
    Style style = Style::plain;
};

struct Line {
    std::vector<Span> spans;
    bool selected = false;  ///< drawn in reverse video (the row the cursor is on)
};

enum class Page { fleet, trader, help, chart };

/// What the user chose: the page, its cursor, sort and filter.
struct ViewState {
    Page page = Page::fleet;
    SortKey sort = SortKey::name;
    bool descending = false;
    std::string filter;                  ///< applied
    std::optional<std::string> editing;  ///< a filter being typed after "/"
    std::size_t selected = 0;            ///< fleet row
    std::string open_id;                 ///< the trader of Page::trader and Page::chart
    std::size_t position = 0;            ///< the position chosen on the trader page ("c" charts it)
    std::string chart_title;             ///< Page::chart: "BTC 1h candles"
    std::vector<std::string> chart;      ///< Page::chart: the chart's lines, or a message
    Page chart_back = Page::trader;      ///< where Esc leaves the chart for
    Page help_back = Page::fleet;        ///< where Esc leaves the help for
    std::string notice;                  ///< one-off word for the status line ("refreshing")
    bool unicode = true;                 ///< a UTF-8 terminal: arrows, sparkline, "·"
};

/// When the data is expected, for the stale marks.
struct Timing {
    Time now{};
    std::chrono::milliseconds refresh{5000};         ///< REST rounds (--refresh)
    std::chrono::milliseconds push_interval{60000};  ///< asset_curve pushes (contract §3.4: ~60 s)
};

std::vector<Line> render(const Fleet& fleet, const ViewState& state, const Timing& timing, int width,
                         int height);

/// A key the user typed (top/screen.hpp reads them from the terminal).
struct Key {
    enum class Kind { text, up, down, enter, escape, backspace, resize, other };
    Kind kind = Kind::other;
    std::string text;  ///< Kind::text: the character typed, as UTF-8
};

/// What a key asks of the command beyond the page state.
struct Command {
    enum class Kind { none, quit, refresh, chart };
    Kind kind = Kind::none;
    std::string symbol;  ///< Kind::chart
};

/// Applies a key to the page state (move, open, sort, filter, help) and says what else to do.
Command press(ViewState& state, const Fleet& fleet, const Key& key);

/// A line's text without styles.
std::string line_text(const Line& line);

/// The fleet table (header, one row per trader, the totals row) as plain lines fitted to
/// `width`: the rows of the fleet page, for `top --once -o table`.
std::vector<std::string> fleet_table(const Fleet& fleet, const ViewState& state, const Timing& timing,
                                     int width);

/// `text` cut to `width` columns (a cut ends in "…", or "~" without unicode); never splits a
/// character.
std::string fit(std::string_view text, std::size_t width, bool unicode = true);

/// `text` wrapped at spaces into lines of at most `width` columns (a word longer than a line is
/// cut); newlines in it start a new line.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

/// Numbers aligned on their decimal point: each cell padded so the points line up and the
/// column is right-aligned; a cell that is not a number is right-aligned as it is.
std::vector<std::string> align_decimals(const std::vector<std::string>& cells);

/// "2026-01-05T09:31:00Z" as "09:31:00"; any other text as it is.
std::string clock_time(std::string_view timestamp);

}  // namespace hyperoru::cli::top
