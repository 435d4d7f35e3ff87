// top: a live full-screen dashboard of every AI trader (ncursesw), and `top --once` for
// scripts. The stream (bootstrap + trades, positions, model_chat, asset_curve) runs on one
// thread, the REST rounds (account list, then balance, positions and open orders per trader) on
// another, over the one connection policy; the terminal belongs to this thread, which applies
// what they send to the Fleet (top/fleet.hpp), reads keys and paints (top/view.hpp).
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/chart.hpp"
#include "cli/chart_output.hpp"
#include "cli/commands/commands.hpp"
#include "cli/decimal.hpp"
#include "cli/output.hpp"
#include "cli/table.hpp"
#include "cli/time.hpp"
#include "cli/top/fleet.hpp"
#include "cli/top/screen.hpp"
#include "cli/top/view.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/stream.hpp"

namespace hyperoru::cli {

namespace {

using std::chrono::milliseconds;
using top::Fleet;
using Steady = std::chrono::steady_clock;

constexpr milliseconds k_paint_every{50};

struct TopOptions {
    std::vector<std::string> accounts;
    double refresh = 5;
    double push_interval = 60;
    std::string sort = "name";
    bool once = false;
};

milliseconds to_ms(double seconds) {
    return milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

/// The ids of an account list body (a bare array or an envelope), in order.
std::vector<std::string> listed_ids(const std::string& body) {
    Fleet scratch;
    scratch.on_accounts(body);
    return scratch.ids();
}

/// One REST round: the account list, each trader's balance and positions, then the user's
/// pending orders (one call for every trader); returns the traders' ids.
/// `deliver` gets each answer as it comes. A trader's own failure (a 404 for a Binance trader's
/// Hyperliquid balance, say) skips that answer; a failure of the list, of the token or of the
/// network ends the round by throwing.
std::vector<std::string> rest_round(
    Client& client, const std::vector<std::string>& only,
    const std::function<void(std::function<void(Fleet&, top::Time)>)>& deliver) {
    const std::string accounts = client.list_accounts().raw.body;
    deliver([accounts](Fleet& f, top::Time) { f.on_accounts(accounts); });
    const std::vector<std::string> ids = only.empty() ? listed_ids(accounts) : only;
    // One call of the round: its answer goes to the fleet; a failure of its own (a 404 for one
    // trader, an answer that is not JSON) skips it, a rejected token ends the round.
    const auto each = [&](auto call, auto apply) {
        try {
            deliver([body = call(), apply](Fleet& f, top::Time now) { apply(f, body, now); });
        } catch (const ApiError& e) {
            if (e.status() == 401) throw;
        } catch (const DecodeError&) {
        }
    };
    for (const auto& id : ids) {
        each([&] { return client.balance(id).raw.body; },
             [id](Fleet& f, const std::string& body, top::Time now) { f.on_balance(id, body, now); });
        each([&] { return client.positions(id).raw.body; },
             [id](Fleet& f, const std::string& body, top::Time now) { f.on_positions(id, body, now); });
    }
    each([&] { return client.pending_orders().raw.body; },
         [](Fleet& f, const std::string& body, top::Time now) { f.on_pending_orders(body, now); });
    return ids;
}

/// get_asset_curve for each trader (a one-shot request each): the sparkline and, until a push
/// says it, the day's PnL. A trader whose curve fails is left without one.
void curve_round(ws::Connector& connector, const ws::ConnectOptions& connect, Clock& clock,
                 const std::vector<std::string>& ids,
                 const std::function<void(std::function<void(Fleet&, top::Time)>)>& deliver) {
    for (const auto& id : ids) {
        try {
            std::string reply = stream_request(connector, connect, clock, "get_asset_curve",
                                               account_data(id, "7d"), milliseconds(10'000))
                                    .text;
            deliver([id, reply = std::move(reply)](Fleet& f, top::Time now) { f.on_curve(id, reply, now); });
        } catch (const StreamError& e) {
            if (e.kind() == StreamError::Kind::rejected) throw;
        } catch (const TransportError&) {
        }
    }
}

// -- top --once -----------------------------------------------------------------------------------

/// A number's text as JSON: the server's lexeme when it is one, else null.
std::string number_json(const std::string& text) {
    return !text.empty() && json::is_valid(text) && json::parse(text).is_number() ? text : "null";
}

std::string text_json(const std::string& text) {
    return text.empty() ? "null" : json::quote(text);
}

/// A JSON array of objects, each written by `write`.
template <typename T, typename Write>
std::string json_array(const std::vector<T>& items, const Write& write) {
    std::string out = "[";
    for (const auto& item : items) {
        json::ObjectWriter object;
        write(item, object);
        out += (out.size() > 1 ? "," : "") + object.str();
    }
    return out + "]";
}

std::string trader_json(const top::Trader& t) {
    json::ObjectWriter out;
    out.add_json("id", Id{t.id}.json_text());
    out.add_json("name", text_json(t.name));
    out.add_json("model", text_json(t.model));
    out.add_json("exchange", text_json(t.exchange));
    out.add_json("trading", t.trading ? (*t.trading ? "true" : "false") : "null");
    out.add_json("equity", number_json(t.equity));
    out.add_json("daily_pnl", number_json(t.daily_pnl));
    out.add_json("daily_pnl_pct", number_json(top::daily_pct(t)));
    out.add_json("open_positions", std::to_string(t.positions.size()));
    out.add_json("open_orders", std::to_string(t.orders.size()));
    out.add_json("positions", json_array(t.positions, [](const top::Position& p, json::ObjectWriter& item) {
                     item.add_json("symbol", text_json(p.symbol));
                     item.add_json("side", text_json(p.side));
                     item.add_json("size", number_json(p.size));
                     item.add_json("entry_price", number_json(p.entry));
                     item.add_json("mark_price", number_json(p.mark));
                     item.add_json("unrealized_pnl", number_json(p.upnl));
                     item.add_json("leverage", number_json(p.leverage));
                 }));
    out.add_json("orders", json_array(t.orders, [](const top::Order& o, json::ObjectWriter& item) {
                     item.add_json("id", o.id.empty() ? "null" : Id{o.id}.json_text());
                     item.add_json("symbol", text_json(o.symbol));
                     item.add_json("side", text_json(o.side));
                     item.add_json("order_type", text_json(o.type));
                     item.add_json("price", number_json(o.price));
                     item.add_json("quantity", number_json(o.quantity));
                 }));
    return out.str();
}

int run_once(Context& context, const TopOptions& options, const top::ViewState& state) {
    Client& client = context.client();
    Fleet fleet(options.accounts);
    const auto apply = [&](std::function<void(Fleet&, top::Time)> change) { change(fleet, Steady::now()); };
    rest_round(client, options.accounts, apply);
    const ws::ConnectOptions connect = context.connection().stream(true);
    const auto connector = context.io().make_connector();
    curve_round(*connector, connect, *context.io().clock, fleet.ids(), apply);
    fleet.on_rest_ok(Steady::now());

    const auto rows = fleet.rows(state.sort, state.descending, state.filter);
    std::string traders = "[";
    std::vector<std::string> equities, pnls;
    std::size_t positions = 0, orders = 0;
    for (const top::Trader* t : rows) {
        traders += (traders.size() > 1 ? "," : "") + trader_json(*t);
        equities.push_back(t->equity);
        pnls.push_back(t->daily_pnl);
        positions += t->positions.size();
        orders += t->orders.size();
    }
    top::Trader sum;
    sum.equity = decimal_sum(equities);
    sum.daily_pnl = decimal_sum(pnls);
    json::ObjectWriter totals;
    totals.add_json("traders", std::to_string(rows.size()));
    totals.add_json("equity", number_json(sum.equity));
    totals.add_json("daily_pnl", number_json(sum.daily_pnl));
    totals.add_json("daily_pnl_pct", number_json(top::daily_pct(sum)));
    totals.add_json("open_positions", std::to_string(positions));
    totals.add_json("open_orders", std::to_string(orders));
    json::ObjectWriter snapshot;
    snapshot.add_json("traders", traders + "]");
    snapshot.add_json("totals", totals.str());
    RawReply reply;
    reply.status = 200;
    reply.content_type = "application/json";
    reply.body = snapshot.str();
    top::Timing timing;
    timing.now = Steady::now();
    timing.refresh = to_ms(options.refresh);
    context.printer().layout(reply, [&](std::ostream& out) {
        // Off a terminal nothing is left out for want of width.
        const int width = context.io().stdout_is_tty ? window_size(context.io()).columns : 1000;
        for (const auto& line : top::fleet_table(fleet, state, timing, width)) out << line << '\n';
    });
    return k_exit_ok;
}

// -- the live screen ------------------------------------------------------------------------------

/// What the two threads hand to the terminal's thread, with a pipe that wakes it.
class Mailbox {
public:
    using Change = std::function<void(Fleet&, top::Time)>;
    Mailbox() {
        // Both ends non-blocking: take() empties the pipe without waiting for a byte that may
        // never come, and a post never waits for a reader (one byte waiting is wake enough).
        if (pipe2(m_pipe, O_NONBLOCK | O_CLOEXEC) != 0) throw Error("cannot create a pipe for top");
    }
    ~Mailbox() {
        close(m_pipe[0]);
        close(m_pipe[1]);
    }
    Mailbox(const Mailbox&) = delete;
    Mailbox& operator=(const Mailbox&) = delete;

    void post(Change change) {
        bool wake = false;
        {
            std::lock_guard lock(m_mutex);
            wake = m_changes.empty();
            m_changes.push_back(std::move(change));
        }
        if (wake) {
            const char byte = 1;
            [[maybe_unused]] const auto n = write(m_pipe[1], &byte, 1);
        }
    }
    std::deque<Change> take() {
        char bytes[64];
        while (read(m_pipe[0], bytes, sizeof bytes) > 0) {
        }
        std::lock_guard lock(m_mutex);
        return std::exchange(m_changes, {});
    }
    int fd() const noexcept { return m_pipe[0]; }

private:
    int m_pipe[2] = {-1, -1};
    std::mutex m_mutex;
    std::deque<Change> m_changes;
};

/// The REST thread's orders: a round now, a chart, stop.
struct Requests {
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    bool refresh = false;
    std::optional<std::string> chart;
};

/// Starts a thread with SIGINT, SIGTERM and SIGWINCH blocked, so that they reach the terminal's
/// thread (which turns them into an exit or a resize).
std::thread quiet_thread(std::function<void()> body) {
    sigset_t blocked, old;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &blocked, &old);
    std::thread thread(std::move(body));
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return thread;
}

/// The candles `c` asked for (the last 2 days of 1h candles), or why there are none.
struct ChartData {
    std::string symbol;
    std::vector<Candle> candles;
    std::string error;
};

/// The chart page's lines: the candles of the symbol on the page, once they came, fitted to the
/// window below the title and above the status and key lines.
void draw_chart(top::ViewState& state, const ChartData& data, int width, int height) {
    const std::string symbol = state.chart_title.substr(0, state.chart_title.find(' '));
    if (data.symbol != symbol) return;  // still loading
    if (!data.error.empty()) {
        state.chart = {" no candles: " + sanitize_for_terminal(data.error)};
        return;
    }
    ChartStyle style;
    style.title = symbol + " 1h";
    state.chart = candlestick_chart(data.candles, width, std::max(1, height - 3), style);
}

int run_live(Context& context, const TopOptions& options, top::ViewState state) {
    const Io& io = context.io();
    if (!io.stdout_is_tty || !io.stdin_is_tty) {
        throw UsageError(
            "top needs a terminal (stdin and stdout); for a stream of updates use 'hyperoru watch', for one "
            "snapshot of the fleet 'hyperoru top --once -o json'");
    }
    if (context.options().verbose)
        throw UsageError("top draws the whole terminal: -v would write over it; use 'hyperoru watch -v'");
    const std::string term = context.io().env("TERM").value_or("");
    if (term.empty() || term == "dumb")
        throw UsageError("top needs a terminal that can move the cursor (TERM is '" + term +
                         "'); use 'hyperoru watch' or 'top --once'");
    if (!context.connection().token)
        throw AuthError(0, ErrorBody{"not logged in", std::nullopt, std::nullopt, std::nullopt});
    context.quiet_status();  // no spinner or retry notice over the screen
    Client& client = context.client();
    const ws::ConnectOptions connect = context.connection().stream(true);
    Clock& clock = *context.io().clock;
    const auto stream_connector = context.io().make_connector();
    const auto curve_connector = context.io().make_connector();

    // The terminal first: when ncurses cannot drive it, nothing has started yet.
    const auto screen_owner = std::make_unique<top::Screen>(context.colour());
    top::Screen& screen = *screen_owner;
    Fleet fleet(options.accounts);
    Mailbox mailbox;
    Requests requests;
    std::atomic<bool> quitting{false};

    StreamOptions stream_options;
    stream_options.bootstrap = true;
    std::thread stream_thread = quiet_thread([&] {
        Stream stream(*stream_connector, connect, stream_options, clock);
        bool live = false;
        const StreamEnd end = stream.run(
            [&](const ws::Message& message) {
                if (!live) {  // the first message on a connection: it is up and subscribed
                    live = true;
                    mailbox.post([](Fleet& f, top::Time now) { f.on_link(top::Link::live, "", now); });
                }
                if (!message.binary) {
                    mailbox.post([text = message.text](Fleet& f, top::Time now) { f.on_message(text, now); });
                }
                return !quitting.load();
            },
            [&](const std::string& notice) {
                // "connection lost: <why>; reconnecting in 4 s (attempt 3)", "reconnected after 2 s; ..."
                const auto at = notice.find("reconnecting in");
                if (at != std::string::npos) {
                    live = false;
                    mailbox.post([detail = notice.substr(at)](Fleet& f, top::Time now) {
                        f.on_link(top::Link::reconnecting, detail, now);
                    });
                }
            },
            [&] { return !quitting.load(); });
        const std::string reason = stream.reason();
        if (end == StreamEnd::rejected) {
            mailbox.post([](Fleet& f, top::Time now) { f.on_link(top::Link::rejected, "", now); });
        } else if (end == StreamEnd::disconnected) {
            mailbox.post([reason](Fleet& f, top::Time now) { f.on_link(top::Link::lost, reason, now); });
        }
    });

    ChartData chart_data;  // filled in by the REST thread, drawn by this one

    std::thread rest_thread = quiet_thread([&] {
        const auto deliver = [&](Mailbox::Change change) { mailbox.post(std::move(change)); };
        bool curves = false;
        auto due = Steady::now();
        while (true) {
            if (Steady::now() >= due) {
                due = Steady::now() + to_ms(options.refresh);
                try {
                    const auto ids = rest_round(client, options.accounts, deliver);
                    mailbox.post([](Fleet& f, top::Time now) { f.on_rest_ok(now); });
                    if (!curves) {  // once: the pushes keep the curves going
                        curves = true;
                        curve_round(*curve_connector, connect, clock, ids, deliver);
                    }
                } catch (const Interrupted&) {
                    return;
                } catch (const Error& e) {
                    if (quitting.load()) return;
                    mailbox.post(
                        [text = std::string(e.what())](Fleet& f, top::Time) { f.on_rest_error(text); });
                }
            }
            std::unique_lock lock(requests.mutex);
            requests.wake.wait_until(lock, due,
                                     [&] { return requests.stop || requests.refresh || requests.chart; });
            if (requests.stop) return;
            if (std::exchange(requests.refresh, false)) due = Steady::now();
            if (requests.chart) {
                const std::string symbol = *std::exchange(requests.chart, std::nullopt);
                lock.unlock();
                ChartData result{symbol, {}, {}};
                try {
                    const auto now = clock.now();
                    result.candles = read_candles(client
                                                      .klines(symbol, "1h", resolve_time_bound("2d", now),
                                                              resolve_time_bound("now", now))
                                                      .raw.body);
                } catch (const Interrupted&) {
                    return;
                } catch (const Error& e) {
                    result.error = e.what();
                }
                mailbox.post(
                    [&chart_data, result = std::move(result)](Fleet&, top::Time) { chart_data = result; });
            }
        }
    });

    const auto stop_threads = [&] {
        quitting = true;
        {
            std::lock_guard lock(requests.mutex);
            requests.stop = true;
        }
        requests.wake.notify_all();
        interrupt_flag() = true;  // ends a request or a reconnect wait within 50 ms
        stream_thread.join();
        rest_thread.join();
    };

    int code = k_exit_ok;
    try {
        state.unicode = screen.unicode();
        top::Timing timing;
        timing.refresh = to_ms(options.refresh);
        timing.push_interval = to_ms(options.push_interval);
        std::uint64_t drawn_version = ~std::uint64_t{0};
        long long drawn_second = -1;
        int drawn_width = -1, drawn_height = -1;
        bool dirty = true;
        Steady::time_point painted_at{};
        std::string notice;
        Steady::time_point notice_at{};
        for (;;) {
            if (interrupt_flag().load()) {
                code = k_exit_interrupted;
                break;
            }
            const auto now = Steady::now();
            for (auto& change : mailbox.take()) change(fleet, now);
            bool quit = false;
            while (auto key = screen.key()) {
                dirty = true;
                state.notice.clear();
                const top::Command command = top::press(state, fleet, *key);
                if (command.kind == top::Command::Kind::quit) {
                    quit = true;
                    break;
                }
                if (command.kind == top::Command::Kind::refresh ||
                    command.kind == top::Command::Kind::chart) {
                    {
                        std::lock_guard lock(requests.mutex);
                        if (command.kind == top::Command::Kind::refresh) requests.refresh = true;
                        if (command.kind == top::Command::Kind::chart) requests.chart = command.symbol;
                    }
                    requests.wake.notify_all();
                    if (command.kind == top::Command::Kind::refresh) state.notice = "refreshing";
                }
            }
            if (quit) break;
            timing.now = Steady::now();
            // A one-off word ("refreshing", "no open position to chart") shows for 3 s.
            if (state.notice != notice) {
                notice = state.notice;
                notice_at = timing.now;
            } else if (!notice.empty() && timing.now - notice_at >= std::chrono::seconds(3)) {
                state.notice.clear();
                notice.clear();
                dirty = true;
            }
            const long long second =
                std::chrono::duration_cast<std::chrono::seconds>(timing.now.time_since_epoch()).count();
            // A key or a resize is answered at once; data and the passing seconds are drawn at
            // most every 50 ms, so a thousand pushes a second cost twenty paints, not a thousand.
            const bool moved = fleet.version() != drawn_version || second != drawn_second;
            const auto since = timing.now - painted_at;
            const bool resized = screen.width() != drawn_width || screen.height() != drawn_height;
            int wait_ms = 250;
            if (dirty || resized || (moved && since >= k_paint_every)) {
                if (state.page == top::Page::chart)
                    draw_chart(state, chart_data, screen.width(), screen.height());
                screen.paint(top::render(fleet, state, timing, screen.width(), screen.height()));
                drawn_version = fleet.version();
                drawn_second = second;
                drawn_width = screen.width();
                drawn_height = screen.height();
                painted_at = timing.now;
                dirty = false;
            } else if (moved) {
                wait_ms = static_cast<int>(std::max<long long>(
                    1, std::chrono::duration_cast<milliseconds>(k_paint_every - since).count()));
            }
            pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {mailbox.fd(), POLLIN, 0}};
            poll(fds, 2, wait_ms);  // EINTR (a resize, Ctrl-C) just loops
        }
    } catch (...) {
        stop_threads();
        interrupt_flag() = false;
        throw;
    }
    const bool interrupted = code == k_exit_interrupted;
    stop_threads();
    if (!interrupted) interrupt_flag() = false;
    return code;
}

/// A seconds option within [low, high], or a usage error that says the range.
void check_seconds(const char* flag, double value, double low, double high) {
    if (value >= low && value <= high) return;
    char text[160];
    std::snprintf(text, sizeof text, "%s expects seconds from %g to %g, got %g", flag, low, high, value);
    throw UsageError(text);
}

int run_top(Context& context, const TopOptions& options) {
    check_seconds("--refresh", options.refresh, 0.2, 3600);
    check_seconds("--push-interval", options.push_interval, 0.1, 86400);
    top::ViewState state;
    const auto key = top::sort_key_named(options.sort);
    if (!key)
        throw UsageError("--sort expects name, equity, pnl, pnl%, positions or decision, got '" +
                         options.sort + "'");
    state.sort = *key;
    state.descending = *key != top::SortKey::name;
    if (options.once) return run_once(context, options, state);
    if (context.options().output != "auto")
        throw UsageError("-o applies to 'top --once'; the live screen has one layout");
    return run_live(context, options, state);
}

}  // namespace

void register_top(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("top")) return;
    auto options = std::make_shared<TopOptions>();
    auto* top = app.add_subcommand("top", "Live full-screen dashboard of all your AI traders");
    top->add_option("--account", options->accounts, "show only this trader (repeat for several)")
        ->type_name("ID");
    top->add_option("--refresh", options->refresh, "seconds between REST refreshes (default 5; 0.2 to 3600)");
    top->add_option("--push-interval", options->push_interval,
                    "seconds between asset_curve pushes the server promises (default 60); the stream is\n"
                    "marked stale after twice this long without a push (0.1 to 86400)");
    top->add_option("--sort", options->sort, "first sort key: name, equity, pnl, pnl%, positions, decision");
    top->add_flag("--once", options->once,
                  "print one snapshot of the fleet (what the screen shows) and exit: -o json or table");
    top->footer(
        example("hyperoru top") + example("hyperoru top --once -o json | jq '.totals'") +
        "\nKeys: arrows or j/k move, Enter opens a trader, Esc goes back, s sorts (S reverses), / filters,\n"
        "c charts the chosen position's symbol, r refreshes now, ? shows help, q quits.\n"
        "--account 1 --account 3 shows only those traders. The status line shows the stream (live,\n"
        "reconnecting in 4 s (attempt 3), token rejected) and the age of the freshest data; data older\n"
        "than twice its expected interval is marked stale. Off a terminal top refuses (exit 2): use\n"
        "'hyperoru watch' for a stream of updates, or 'top --once' for one snapshot.\n");
    top->callback([&action, options] { action = [options](Context& c) { return run_top(c, *options); }; });
}

}  // namespace hyperoru::cli
