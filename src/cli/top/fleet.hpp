#pragma once
// What `hyperoru top` knows about the user's AI traders: the fleet as the stream's pushes and the
// REST snapshots describe it, kept as the server's own text (numbers are never turned into a
// double: a total is an exact decimal sum). No terminal and no network here: the command feeds
// it (commands/top.cpp) and the view draws it (top/view.hpp), so tests drive it with literal
// messages and a clock of their own.
//
// Tolerant reading (contract §3.5 and §5): the push payloads are not documented. A message's
// payload is its `data` object, else the message itself; its kind is `type` ("trade"/"fill"/
// "trades", "position"/"positions", "model_chat"/"decision", "asset_curve", "bootstrap",
// "snapshot"); a message without an account it can be tied to, of an unknown kind, or not JSON
// at all is counted and otherwise ignored. Nothing a server sends makes it throw.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::json {
class Value;
}

namespace hyperoru::cli::top {

using Time = std::chrono::steady_clock::time_point;

struct Position {
    std::string symbol, side, size, entry, mark, upnl, leverage;
};

struct Order {
    std::string id, symbol, side, type, price, quantity, status;
};

struct Fill {
    std::string time, symbol, side, quantity, price, status;
};

struct Decision {
    std::string time, symbol, decision, model, reasoning;
};

struct Trader {
    std::string id, name, model, exchange;
    std::optional<bool> trading;  ///< is_active, else trading_enabled
    std::string equity;           ///< the freshest: an asset_curve push or the REST balance
    std::string daily_pnl;        ///< asset_curve's daily_pnl; "" when none came
    std::vector<Position> positions;
    std::vector<Order> orders;       ///< open orders
    std::deque<Fill> fills;          ///< newest first
    std::deque<Decision> decisions;  ///< newest first
    std::deque<std::string> curve;   ///< equity texts, oldest first
    std::optional<Time> updated;     ///< when anything about this trader last arrived
    bool pushed_pnl = false;         ///< daily_pnl came from a push (else from the curve)
};

enum class SortKey { name, equity, daily_pnl, daily_pct, positions, decision };
/// "name", "equity", ... as shown in the header and taken by --sort.
const char* sort_key_name(SortKey key);
std::optional<SortKey> sort_key_named(std::string_view name);
SortKey next_sort_key(SortKey key);

/// The stream's state as the status line words it.
enum class Link { connecting, live, reconnecting, rejected, lost };

/// The daily PnL as a percentage of the day's starting equity (equity − daily PnL), two
/// decimals; "" when either is unknown or the base is zero.
std::string daily_pct(const Trader& trader);

class Fleet {
public:
    /// `only`: the --account ids (empty: every trader the account list returns).
    explicit Fleet(std::vector<std::string> only = {});

    /// One stream message (text frame), pushed or a reply.
    void on_message(std::string_view text, Time now);
    void on_link(Link link, std::string detail, Time now);

    /// REST answers (bodies as received).
    void on_accounts(std::string_view body);
    void on_balance(const std::string& id, std::string_view body, Time now);
    void on_positions(const std::string& id, std::string_view body, Time now);
    /// GET /api/orders/pending: every pending order of the user, shared out by account_id (one
    /// call for the fleet, and never the growing history of executed orders).
    void on_pending_orders(std::string_view body, Time now);
    /// The reply to get_asset_curve (its data or the whole message): the trader's equity series.
    void on_curve(const std::string& id, std::string_view body, Time now);
    /// A REST round that failed; `text` is shown until a round succeeds.
    void on_rest_error(std::string text);
    /// A REST round that completed.
    void on_rest_ok(Time now);

    /// The ids the last account list gave (filtered by `only`), in its order.
    const std::vector<std::string>& ids() const noexcept { return m_ids; }
    const Trader* find(std::string_view id) const;
    /// The traders to show, filtered (case-insensitive substring of name, model, exchange or id)
    /// and sorted; ties keep the account list's order.
    std::vector<const Trader*> rows(SortKey key, bool descending, std::string_view filter) const;

    Link link() const noexcept { return m_link; }
    const std::string& link_detail() const noexcept { return m_link_detail; }
    std::optional<Time> last_push() const noexcept { return m_last_push; }
    std::optional<Time> live_since() const noexcept { return m_live_since; }
    std::optional<Time> last_rest() const noexcept { return m_last_rest; }
    const std::string& rest_error() const noexcept { return m_rest_error; }
    std::uint64_t pushes() const noexcept { return m_pushes; }
    std::uint64_t ignored() const noexcept { return m_ignored; }
    /// Bumped by every change: the screen is drawn again only when it moved (or time did).
    std::uint64_t version() const noexcept { return m_version; }

    static constexpr std::size_t k_max_fills = 200;
    static constexpr std::size_t k_max_decisions = 50;
    static constexpr std::size_t k_max_curve = 600;

private:
    /// An account list's elements: names, models, exchanges; who is shown, in its order.
    void apply_accounts(const std::vector<json::Value>& accounts);
    /// A list of the user's items (a bootstrap's positions or orders) shared out by account_id:
    /// a trader's first item replaces its `list`; `make` builds each, `keep` says which stay.
    template <typename T, typename Make, typename Keep>
    void share_out(const std::vector<json::Value>& items, std::vector<T> Trader::*list, Make make, Keep keep,
                   Time now);
    Trader& trader(const std::string& id);
    Trader* known(const std::string& id);
    bool wanted(const std::string& id) const;

    std::vector<std::string> m_only;
    std::vector<std::string> m_ids;
    std::vector<Trader> m_traders;
    Link m_link = Link::connecting;
    std::string m_link_detail;
    std::optional<Time> m_last_push, m_live_since, m_last_rest;
    std::string m_rest_error;
    std::uint64_t m_pushes = 0, m_ignored = 0, m_version = 0;
};

}  // namespace hyperoru::cli::top
