// --chart: size, colour and refusals in one place for every command that draws (chart_output.hpp).
#include "cli/chart_output.hpp"

#include <charconv>

#include "cli/output.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

/// A positive integer from text (an environment variable), nullopt for anything else.
std::optional<int> positive(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    int value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc{} || end != text->data() + text->size() || value <= 0) return std::nullopt;
    return value;
}

std::string too_small_hint() {
    return "terminal too small for a chart (needs " + std::to_string(k_chart_min_width) + "\u00d7" +
           std::to_string(k_chart_min_height) + "); --width and --height set another size";
}

}  // namespace

ChartRequest chart_request(const std::optional<std::string>& width,
                           const std::optional<std::string>& height) {
    const auto read = [](const char* flag, const std::optional<std::string>& text) -> std::optional<int> {
        if (!text) return std::nullopt;
        const auto value = positive(text);
        if (!value)
            throw UsageError(std::string(flag) + " expects a number of character cells, got '" + *text + "'");
        return value;
    };
    return {read("--width", width), read("--height", height)};
}

TerminalSize window_size(const Io& io) {
    if (const auto terminal = io.terminal_size ? io.terminal_size() : std::nullopt) return *terminal;
    return {positive(io.env("COLUMNS")).value_or(80), positive(io.env("LINES")).value_or(24)};
}

ChartSetup chart_setup(Context& context, const ChartRequest& request, std::string title) {
    const GlobalOptions& options = context.options();
    if (options.output != "auto") {
        throw UsageError("--chart prints a chart, not -o " + options.output + "; leave out one of them");
    }
    if (!options.fields.empty())
        throw UsageError("--chart prints a chart, not --fields; leave out one of them");
    if (request.width && *request.width < k_chart_min_width) {
        throw UsageError("--width must be at least " + std::to_string(k_chart_min_width) + ", got " +
                         std::to_string(*request.width));
    }
    if (request.height && *request.height < k_chart_min_height) {
        throw UsageError("--height must be at least " + std::to_string(k_chart_min_height) + ", got " +
                         std::to_string(*request.height));
    }
    const TerminalSize terminal = window_size(context.io());
    ChartSetup setup;
    setup.width = request.width.value_or(terminal.columns);
    setup.height = request.height.value_or(terminal.lines - 1);  // the prompt's line stays
    if (setup.width < k_chart_min_width || setup.height < k_chart_min_height) throw Error(too_small_hint());
    setup.style.color = context.colour();
    setup.style.title = std::move(title);
    return setup;
}

int print_chart(Context& context, const std::vector<std::string>& lines, const ChartSetup& setup) {
    // One line instead of a chart: nothing to draw (a result), or price labels so long that the
    // plot has no room (an error).
    if (lines.size() == 1 && static_cast<int>(lines.size()) != setup.height &&
        lines.front() != k_chart_no_data) {
        throw Error(lines.front());
    }
    std::ostream& out = context.out();
    for (const auto& line : lines) out << line << '\n';
    out.flush();
    return k_exit_ok;
}

std::string member_text(const json::Value& object, std::initializer_list<std::string_view> keys) {
    if (!object.is_object()) return "";
    for (const auto key : keys) {
        const json::Value* member = object.find(key);
        if (member != nullptr && (member->is_number() || member->is_string())) return member->text();
    }
    return "";
}

/// The candles of a klines answer: a list (or an envelope's), each member read by the names
/// servers use for it; anything else is an invalid response.
std::vector<Candle> read_candles(const std::string& body) {
    const json::Value value = json::parse(body);
    const json::Value* list = list_items(value, "");
    if (list == nullptr) throw DecodeError("expected a list of candles");
    std::vector<Candle> candles;
    for (const auto& item : list->items()) {
        candles.push_back({.time = member_text(item, {"timestamp", "time", "open_time", "t"}),
                           .open = member_text(item, {"open", "o"}),
                           .high = member_text(item, {"high", "h"}),
                           .low = member_text(item, {"low", "l"}),
                           .close = member_text(item, {"close", "c"})});
    }
    return candles;
}

}  // namespace hyperoru::cli
