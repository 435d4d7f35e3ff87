#pragma once
// --chart on a command (klines, asset-curve): the one place that decides a chart's size, whether
// it is coloured, which output options it refuses, and how its lines are printed. The drawing
// itself is cli/chart.hpp.
#include <optional>
#include <string>
#include <vector>

#include "cli/chart.hpp"
#include "cli/context.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

/// What the user asked for with --chart, --width and --height.
struct ChartRequest {
    std::optional<int> width{};
    std::optional<int> height{};
};

/// The size and style of one chart.
struct ChartSetup {
    int width = 80;
    int height = 23;
    ChartStyle style{};
};

/// The size of the terminal stdout goes to (Io::terminal_size), else COLUMNS and LINES, else
/// 80×24: for a chart, and for top --once's table.
TerminalSize window_size(const Io& io);

/// The size: --width/--height, else the terminal's size (Io::terminal_size), else COLUMNS and
/// LINES, else 80×24; the height leaves one line for the shell's prompt. Colour as for tables
/// (Context::colour: stdout a terminal, no --no-color, NO_COLOR or TERM=dumb).
/// Throws UsageError when -o or --fields is given (a chart is neither JSON nor a table) or
/// --width or --height is below the minimum, and an Error when the terminal is too small. Called
/// before the request, so nothing is sent for a chart that cannot be drawn.
ChartSetup chart_setup(Context& context, const ChartRequest& request, std::string title);

/// --width and --height as given to a CommandSpec row (Given::fields): integers, or a UsageError.
ChartRequest chart_request(const std::optional<std::string>& width, const std::optional<std::string>& height);

/// Prints the chart's lines on stdout. A single line that reports the chart too small (long
/// price labels) is an error (exit 1); "no data to chart" is printed as the result.
int print_chart(Context& context, const std::vector<std::string>& lines, const ChartSetup& setup);

/// The candles of a klines answer (GET /api/klines/data): a list, or an envelope's list, each
/// member read by the names servers use for it. Throws DecodeError for anything else.
std::vector<Candle> read_candles(const std::string& body);

/// The text of `object`'s first member among `keys` that is a number or a string ("" if none).
std::string member_text(const json::Value& object, std::initializer_list<std::string_view> keys);

}  // namespace hyperoru::cli
