// Live updates over the WebSocket stream: `watch` for days-long subscriptions, and one-shot
// requests (`ws request`, `ws bootstrap`, `snapshot`, `asset-curve`).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/chart_output.hpp"
#include "cli/commands/spec.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/stream.hpp"

namespace hyperoru::cli {

namespace {

struct WatchOptions {
    std::vector<std::string> channels;
    std::optional<std::string> account;
    bool bootstrap = false;
    std::optional<long> count;
    std::optional<std::string> duration;
    int max_reconnects = -1;
    bool exit_on_disconnect = false;
    bool auth_message = false;
};

/// "90" or "90s", "5m", "2h", "1d" as a duration.
std::chrono::milliseconds parse_duration(const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const std::string unit = text.substr(used);
    const double scale = unit.empty() || unit == "s" ? 1.0
                         : unit == "m"               ? 60.0
                         : unit == "h"               ? 3600.0
                         : unit == "d"               ? 86400.0
                                                     : -1.0;
    if (used == 0 || scale < 0 || !(value > 0) || value * scale > 1e9) {
        throw UsageError("--duration expects a positive time like 90s, 5m, 2h or 1d, got '" + text + "'");
    }
    return std::chrono::milliseconds(std::llround(value * scale * 1000.0));
}

/// The stream's connection, from the one connection policy (Context::connection): URL from the
/// checked base URL, token in the URL (or, with --auth-message, in a connect message).
ws::ConnectOptions connect_options(Context& context, bool auth_message,
                                   std::optional<std::string>& connect_token) {
    const ConnectionSettings& connection = context.connection();
    if (!connection.token)
        throw AuthError(0, ErrorBody{"not logged in", std::nullopt, std::nullopt, std::nullopt});
    if (auth_message) connect_token = connection.token;
    return connection.stream(!auth_message);
}

int run_watch(Context& context, const WatchOptions& options) {
    std::optional<std::string> connect_token;
    const ws::ConnectOptions connect = connect_options(context, options.auth_message, connect_token);
    StreamOptions stream_options;
    if (!options.channels.empty()) stream_options.channels = options.channels;
    stream_options.account = options.account;
    stream_options.bootstrap = options.bootstrap;
    stream_options.connect_token = connect_token;
    stream_options.max_reconnects = options.max_reconnects;
    stream_options.exit_on_disconnect = options.exit_on_disconnect;
    if (options.duration) stream_options.duration = parse_duration(*options.duration);

    const auto connector = context.io().make_connector();
    Stream stream(*connector, connect, stream_options, *context.io().clock);
    Printer& printer = context.printer();
    long updates = 0;
    bool stdout_closed = false;
    const StreamEnd end = stream.run(
        [&](const ws::Message& message) {
            if (message.binary) {
                printer.flush();  // the messages before it first, on a terminal shared with stderr
                context.err() << "hyperoru: binary frame of " << message.size << " bytes ignored\n";
                return true;
            }
            if (!printer.message(message.text, context.now(),
                                 message.compact)) {  // `| head -3` closed the pipe: end quietly
                stdout_closed = true;
                return false;
            }
            // --count counts what the server pushes; the replies to our own subscribe,
            // switch_account and bootstrap are printed but are not updates.
            if (message.reply) return true;
            ++updates;
            return !(options.count && updates >= *options.count);
        },
        [&](const std::string& notice) {
            context.err() << "hyperoru: " << sanitize_for_terminal(notice) << '\n' << std::flush;
        },
        // One flush per burst, when the messages waiting are all printed, instead of one per
        // message: a live reader still sees each burst at once.
        [&] {
            if (printer.flush()) return true;
            stdout_closed = true;
            return false;
        });
    switch (end) {
        case StreamEnd::stopped: return k_exit_ok;
        case StreamEnd::interrupted: return k_exit_interrupted;
        case StreamEnd::rejected:  // reported like every rejection by the stream, in run_action
            throw StreamError(StreamError::Kind::rejected,
                              ErrorBody{stream.reason(), std::nullopt, std::nullopt, std::nullopt});
        case StreamEnd::disconnected:
            if (stdout_closed) return k_exit_ok;
            return report_error(context, {"stream lost: " + stream.reason(), 0, {}, {}, {}, k_exit_network});
    }
    return k_exit_ok;
}

struct RequestOptions {
    std::string type;
    std::optional<std::string> data;
    double timeout_seconds = 10;
    bool auth_message = false;
};

/// The reply to one request over a fresh connection (stream_request), from the connection policy.
ws::Message request_reply(Context& context, const RequestOptions& options) {
    std::optional<std::string> connect_token;
    const ws::ConnectOptions connect = connect_options(context, options.auth_message, connect_token);
    const auto connector = context.io().make_connector();
    return stream_request(*connector, connect, *context.io().clock, options.type, options.data,
                          std::chrono::milliseconds(std::llround(options.timeout_seconds * 1000)),
                          connect_token);
}

int run_request(Context& context, const RequestOptions& options) {
    if (options.data && (!json::is_valid(*options.data) || !json::parse(*options.data).is_object())) {
        throw UsageError("--data expects a JSON object, got '" + *options.data + "'");
    }
    const auto reply = request_reply(context, options);
    context.printer().stream_reply(reply.text);
    return k_exit_ok;
}

void add_request_flags(CLI::App* sub, RequestOptions& options) {
    sub->add_option("--timeout", options.timeout_seconds, "seconds to wait for the reply (default 10)")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--auth-message", options.auth_message,
                  "authenticate with a connect message (older servers)");
}

void register_watch_command(CLI::App& app, Action& action) {
    auto watch_options = std::make_shared<WatchOptions>();
    auto* watch = app.add_subcommand("watch", "Print live updates as they happen (WebSocket /ws), for days");
    watch
        ->add_option("channels", watch_options->channels,
                     "channels: trades positions model_chat asset_curve (default: all four)")
        ->type_name("CHANNEL...");
    watch->add_option("--account", watch_options->account, "switch the stream to this AI trader")
        ->type_name("ID");
    watch->add_flag("--bootstrap", watch_options->bootstrap,
                    "ask for accounts, positions and orders on (re)connect");
    watch
        ->add_option("--count", watch_options->count,
                     "exit 0 after N updates pushed by the server (replies to our requests do not count)")
        ->check(CLI::PositiveNumber);
    watch->add_option("--duration", watch_options->duration, "exit 0 after this long: 90s, 5m, 2h, 1d")
        ->type_name("D");
    watch
        ->add_option("--max-reconnects", watch_options->max_reconnects, "give up after N reconnects (exit 9)")
        ->check(CLI::NonNegativeNumber);
    watch->add_flag("--exit-on-disconnect", watch_options->exit_on_disconnect,
                    "exit 9 at the first drop (for a supervisor to restart)");
    watch->add_flag("--auth-message", watch_options->auth_message,
                    "authenticate with a connect message instead of the URL (older servers)");
    watch->footer(
        example("hyperoru watch asset_curve --count 3") +
        "\nOff a terminal each message is one line of compact JSON: numbers as sent, secrets masked,\n"
        "a message that is not JSON as a JSON string (-o raw: as received). A ping goes every 15 s;\n"
        "45 s without a frame means the connection is dead and hyperoru reconnects (backoff 1 s\n"
        "doubling to 30 s, with jitter) and subscribes again. A rejected token exits 4.\n");
    watch->callback([&action, watch_options] {
        action = [watch_options](Context& c) { return run_watch(c, *watch_options); };
    });
}

void register_ws(CLI::App& app, Action& action) {
    auto* ws_noun = app.add_subcommand("ws", "One-shot requests over the WebSocket stream");
    ws_noun->require_subcommand(1);
    ws_noun->footer(example("hyperoru ws request get_snapshot --data '{\"account_id\": 1}'"));
    auto request_options = std::make_shared<RequestOptions>();
    auto* request =
        ws_noun->add_subcommand("request", "Send {type, request_id, data}; print the reply's data");
    request->add_option("type", request_options->type, "message type, e.g. get_snapshot")->required();
    request->add_option("--data", request_options->data, "the data object, as JSON")->type_name("JSON");
    add_request_flags(request, *request_options);
    request->footer(example("hyperoru ws request get_snapshot --data '{\"account_id\": 1}'"));
    request->callback([&action, request_options] {
        action = [request_options](Context& c) { return run_request(c, *request_options); };
    });

    auto bootstrap_options = std::make_shared<RequestOptions>();
    bootstrap_options->type = "bootstrap";
    auto* bootstrap =
        ws_noun->add_subcommand("bootstrap", "Accounts, positions and active orders in one reply");
    add_request_flags(bootstrap, *bootstrap_options);
    bootstrap->footer(example("hyperoru ws bootstrap | jq '.accounts[].name'"));
    bootstrap->callback([&action, bootstrap_options] {
        action = [bootstrap_options](Context& c) { return run_request(c, *bootstrap_options); };
    });
}

void register_snapshot(CLI::App& app, Action& action) {
    auto snapshot_account = std::make_shared<std::string>();
    auto snapshot_options = std::make_shared<RequestOptions>();
    auto* snapshot =
        app.add_subcommand("snapshot", "Equity and positions of a trader now (WebSocket get_snapshot)");
    snapshot->add_option("account", *snapshot_account, "account id")->required()->type_name("ACCOUNT");
    add_request_flags(snapshot, *snapshot_options);
    snapshot->footer(example("hyperoru snapshot 1"));
    snapshot->callback([&action, snapshot_account, snapshot_options] {
        action = [snapshot_account, snapshot_options](Context& c) {
            RequestOptions options = *snapshot_options;
            options.type = "get_snapshot";
            options.data = account_data(*snapshot_account);
            return run_request(c, options);
        };
    });
}

/// The points of a get_asset_curve reply: its data's `points` (or the data itself, a list).
std::vector<Point> read_points(const std::string& message) {
    const json::Value value = json::parse(message);
    const json::Value* data = value.is_object() ? value.find("data") : nullptr;
    const json::Value* list = data == nullptr ? nullptr : list_items(*data, "points");
    if (list == nullptr) throw DecodeError("expected the equity points of an asset curve");
    std::vector<Point> points;
    for (const auto& item : list->items()) {
        points.push_back({.time = member_text(item, {"timestamp", "time", "date"}),
                          .value = member_text(item, {"equity", "value", "total_equity"})});
    }
    return points;
}

struct CurveOptions {
    std::string account;
    std::string timeframe = "7d";
    RequestOptions request;
    bool chart = false;
    ChartRequest size;
};

int run_asset_curve(Context& context, const CurveOptions& curve) {
    RequestOptions options = curve.request;
    options.type = "get_asset_curve";
    options.data = account_data(curve.account, curve.timeframe);
    if (!curve.chart) {
        if (curve.size.width || curve.size.height)
            throw UsageError("--width and --height size a chart: add --chart");
        return run_request(context, options);
    }
    const ChartSetup setup =
        chart_setup(context, curve.size, "account " + curve.account + " equity " + curve.timeframe);
    const auto reply = request_reply(context, options);
    return print_chart(context, line_chart(read_points(reply.text), setup.width, setup.height, setup.style),
                       setup);
}

void register_asset_curve(CLI::App& app, Action& action) {
    auto curve_options = std::make_shared<CurveOptions>();
    auto* curve =
        app.add_subcommand("asset-curve", "Historical equity of a trader (WebSocket get_asset_curve)");
    curve->add_option("account", curve_options->account, "account id")->required()->type_name("ACCOUNT");
    curve->add_option("--timeframe", curve_options->timeframe, "period (7d is the documented one)");
    add_request_flags(curve, curve_options->request);
    curve->add_flag("--chart", curve_options->chart, "draw the equity as a line chart instead of printing");
    curve
        ->add_option("--width", curve_options->size.width, "chart width in columns (default: the terminal's)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    curve
        ->add_option("--height", curve_options->size.height,
                     "chart height in lines (default: the terminal's, less one)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    curve->footer(
        "\nExamples:\n"
        "  hyperoru asset-curve 1 --timeframe 7d -o ndjson\n"
        "  hyperoru asset-curve 1 --chart --width 60 --height 12\n"
        "\n--chart draws the equity points as a line, the value axis on the right with the data's\n"
        "own decimals, times below; on a terminal in colour (green when it ends at or above where\n"
        "it began, red otherwise) unless --no-color or NO_COLOR. It fills the terminal but for one\n"
        "line (else COLUMNS x LINES, else 80x24) unless --width/--height say.\n");
    curve->callback([&action, curve_options] {
        action = [curve_options](Context& c) { return run_asset_curve(c, *curve_options); };
    });
}

}  // namespace

std::string account_data(const std::string& account, const std::optional<std::string>& timeframe) {
    json::ObjectWriter data;
    data.add_json("account_id", Id{account}.json_text());
    if (timeframe) data.add_string("timeframe", *timeframe);
    return data.str();
}

void register_watch(CLI::App& app, Action& action, const Selection& only) {
    if (only.wants("watch")) register_watch_command(app, action);
    if (only.wants("ws")) register_ws(app, action);
    if (only.wants("snapshot")) register_snapshot(app, action);
    if (only.wants("asset-curve")) register_asset_curve(app, action);
}

}  // namespace hyperoru::cli
