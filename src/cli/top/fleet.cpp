// The fleet `top` shows, fed by stream messages and REST bodies (see fleet.hpp).
#include "cli/top/fleet.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "cli/decimal.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli::top {

namespace {

using json::Value;

std::optional<Value> read(std::string_view text) {
    try {
        return json::parse(text);
    } catch (const Error&) {  // not JSON, too deep, too large: ignored, never fatal
        return std::nullopt;
    }
}

/// The first of `names` that is present and not null.
const Value* member(const Value& object, std::initializer_list<std::string_view> names) {
    if (!object.is_object()) return nullptr;
    for (const auto name : names) {
        const Value* value = object.find(name);
        if (value && !value->is_null()) return value;
    }
    return nullptr;
}

/// A scalar as text: a number's own lexeme, a string's content, true/false; "" otherwise.
std::string text_of(const Value* value) {
    if (!value) return "";
    if (value->is_number() || value->is_string()) return value->text();
    if (value->is_bool()) return value->text();
    return "";
}

std::string field(const Value& object, std::initializer_list<std::string_view> names) {
    return text_of(member(object, names));
}

/// The payload of a message: its `data` object, else the message itself (§3.5).
const Value& payload(const Value& message) {
    const Value* data = message.find("data");
    return data && data->is_object() ? *data : message;
}

/// The elements of a list answer: a bare array, or the array under one of `keys`.
const std::vector<Value>* list_of(const Value& body, std::initializer_list<std::string_view> keys) {
    if (body.is_array()) return &body.items();
    const Value* list = member(body, keys);
    return list && list->is_array() ? &list->items() : nullptr;
}

std::optional<bool> flag(const Value& object, std::initializer_list<std::string_view> names) {
    const Value* value = member(object, names);
    if (!value || !value->is_bool()) return std::nullopt;
    return value->text() == "true";
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Position position_of(const Value& p) {
    return {field(p, {"symbol", "coin"}),
            field(p, {"side"}),
            field(p, {"size", "quantity", "szi"}),
            field(p, {"entry_price", "entry_px", "entry"}),
            field(p, {"mark_price", "mark_px", "mark"}),
            field(p, {"unrealized_pnl", "upnl"}),
            field(p, {"leverage"})};
}

bool closed(const Value& p) {
    const std::string status = lower(field(p, {"status"}));
    if (status == "closed") return true;
    const auto size = Decimal::parse(field(p, {"size", "quantity", "szi"}));
    return size && size->sign() == 0;
}

/// A trader's positions, replaced by the open ones of a list.
void set_positions(Trader& t, const std::vector<Value>& positions) {
    t.positions.clear();
    for (const auto& item : positions) {
        if (!closed(item)) t.positions.push_back(position_of(item));
    }
}

Order order_of(const Value& o) {
    return {field(o, {"id", "order_id"}), field(o, {"symbol"}),
            field(o, {"side"}),           field(o, {"order_type", "type"}),
            field(o, {"price"}),          field(o, {"quantity", "size"}),
            field(o, {"status"})};
}

bool open_status(std::string_view text) {
    const std::string status = lower(text);
    return status.empty() || status == "pending" || status == "open" || status == "new";
}

bool open_order(const Order& order) {
    return open_status(order.status);
}

template <typename T>
void push_front_capped(std::deque<T>& list, T item, std::size_t cap) {
    list.push_front(std::move(item));
    while (list.size() > cap) list.pop_back();
}

/// Replaces the trader's curve with `points`; until a push says it, the daily PnL is the last
/// point's equity less the first point's of the same (UTC) day.
void read_curve(Trader& t, const std::vector<Value>& points, std::size_t cap) {
    t.curve.clear();
    std::string day, first, last;
    for (const auto& point : points) {
        const std::string equity = field(point, {"equity", "value"});
        if (equity.empty()) continue;
        t.curve.push_back(equity);
        const std::string date = field(point, {"timestamp", "time"}).substr(0, 10);
        if (date != day) {
            day = date;
            first = equity;
        }
        last = equity;
    }
    while (t.curve.size() > cap) t.curve.pop_front();
    if (t.equity.empty() && !t.curve.empty()) t.equity = t.curve.back();
    if (!t.pushed_pnl && !last.empty()) {
        const auto a = Decimal::parse(last);
        const auto b = Decimal::parse(first);
        const auto difference = a && b ? a->minus(*b) : std::nullopt;
        if (difference) t.daily_pnl = difference->text();
    }
}

int compare_decimal(const std::string& a, const std::string& b) {
    const auto x = Decimal::parse(a);
    const auto y = Decimal::parse(b);
    if (!x || !y) return x ? -1 : y ? 1 : 0;  // unknown last
    return x->compare(*y);
}

}  // namespace

const char* sort_key_name(SortKey key) {
    switch (key) {
        case SortKey::name: return "name";
        case SortKey::equity: return "equity";
        case SortKey::daily_pnl: return "pnl";
        case SortKey::daily_pct: return "pnl%";
        case SortKey::positions: return "positions";
        case SortKey::decision: return "decision";
    }
    return "name";
}

std::optional<SortKey> sort_key_named(std::string_view name) {
    for (const SortKey key : {SortKey::name, SortKey::equity, SortKey::daily_pnl, SortKey::daily_pct,
                              SortKey::positions, SortKey::decision}) {
        if (name == sort_key_name(key)) return key;
    }
    return std::nullopt;
}

SortKey next_sort_key(SortKey key) {
    switch (key) {
        case SortKey::name: return SortKey::equity;
        case SortKey::equity: return SortKey::daily_pnl;
        case SortKey::daily_pnl: return SortKey::daily_pct;
        case SortKey::daily_pct: return SortKey::positions;
        case SortKey::positions: return SortKey::decision;
        case SortKey::decision: return SortKey::name;
    }
    return SortKey::name;
}

std::string daily_pct(const Trader& trader) {
    const auto equity = Decimal::parse(trader.equity);
    const auto pnl = Decimal::parse(trader.daily_pnl);
    if (!equity || !pnl) return "";
    const auto base = equity->minus(*pnl);
    if (!base) return "";
    const auto pct = pnl->percent_of(*base, 2);
    return pct ? pct->text() : "";
}

Fleet::Fleet(std::vector<std::string> only) : m_only(std::move(only)), m_ids(m_only) {
    for (const auto& id : m_only) trader(id);
}

bool Fleet::wanted(const std::string& id) const {
    return m_only.empty() || std::find(m_only.begin(), m_only.end(), id) != m_only.end();
}

Trader* Fleet::known(const std::string& id) {
    for (auto& t : m_traders) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

Trader& Fleet::trader(const std::string& id) {
    if (Trader* t = known(id)) return *t;
    m_traders.push_back(Trader{});
    m_traders.back().id = id;
    if (std::find(m_ids.begin(), m_ids.end(), id) == m_ids.end()) m_ids.push_back(id);
    return m_traders.back();
}

const Trader* Fleet::find(std::string_view id) const {
    for (const auto& t : m_traders) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

void Fleet::on_link(Link link, std::string detail, Time now) {
    if (link == Link::live && m_link != Link::live) m_live_since = now;
    m_link = link;
    m_link_detail = std::move(detail);
    ++m_version;
}

void Fleet::on_message(std::string_view text, Time now) {
    const auto message = read(text);
    const bool reply = message && message->is_object() && message->find("request_id") &&
                       !message->find("request_id")->is_null();
    if (!reply) {
        ++m_pushes;
        m_last_push = now;
    }
    ++m_version;
    if (!message || !message->is_object()) {
        ++m_ignored;
        return;
    }
    const std::string type = lower(field(*message, {"type", "event", "channel"}));
    const Value& p = payload(*message);
    if (type == "bootstrap") {
        if (const auto* accounts = list_of(p, {"accounts"})) apply_accounts(*accounts);
        if (const auto* positions = list_of(p, {"positions"})) {
            share_out(
                *positions, &Trader::positions, position_of,
                [](const Value& item, const Position&) { return !closed(item); }, now);
        }
        if (const auto* orders = list_of(p, {"active_orders", "orders"})) {
            share_out(
                *orders, &Trader::orders, order_of,
                [](const Value&, const Order& o) { return open_order(o); }, now);
        }
        return;
    }
    // Every other kind belongs to one trader: its account_id, or the only trader there is.
    std::string id = field(p, {"account_id", "accountId"});
    if (id.empty()) id = field(*message, {"account_id"});
    if (id.empty() && m_ids.size() == 1) id = m_ids.front();
    if (id.empty() || !wanted(id)) {
        ++m_ignored;
        return;
    }
    if (type == "asset_curve" || type == "equity") {
        Trader& t = trader(id);
        if (const auto* points = list_of(p, {"points", "curve"})) {
            read_curve(t, *points, k_max_curve);
        } else {
            const std::string equity = field(p, {"equity", "total_equity"});
            if (!equity.empty()) {
                t.equity = equity;
                t.curve.push_back(equity);
                while (t.curve.size() > k_max_curve) t.curve.pop_front();
            }
            const std::string pnl = field(p, {"daily_pnl", "day_pnl", "pnl"});
            if (!pnl.empty()) {
                t.daily_pnl = pnl;
                t.pushed_pnl = true;
            }
        }
        t.updated = now;
    } else if (type == "trade" || type == "trades" || type == "fill" || type == "fills" || type == "order") {
        Trader& t = trader(id);
        const std::string order_id = field(p, {"order_id", "id"});
        const std::string status = field(p, {"status"});
        push_front_capped(t.fills,
                          Fill{field(p, {"timestamp", "time"}), field(p, {"symbol"}), field(p, {"side"}),
                               field(p, {"quantity", "size"}), field(p, {"price"}), status},
                          k_max_fills);
        if (!order_id.empty() && !open_status(status)) {
            std::erase_if(t.orders, [&](const Order& o) { return o.id == order_id; });
        }
        t.updated = now;
    } else if (type == "position" || type == "positions") {
        Trader& t = trader(id);
        if (const auto* positions = list_of(p, {"positions"})) {
            set_positions(t, *positions);
        } else {
            Position update = position_of(p);
            auto at = std::find_if(t.positions.begin(), t.positions.end(),
                                   [&](const Position& known) { return known.symbol == update.symbol; });
            if (closed(p)) {
                if (at != t.positions.end()) t.positions.erase(at);
            } else if (at == t.positions.end()) {
                t.positions.push_back(std::move(update));
            } else {  // an update may carry only what changed
                auto keep = [](std::string& old, std::string& fresh) {
                    if (!fresh.empty()) old = std::move(fresh);
                };
                keep(at->side, update.side);
                keep(at->size, update.size);
                keep(at->entry, update.entry);
                keep(at->mark, update.mark);
                keep(at->upnl, update.upnl);
                keep(at->leverage, update.leverage);
            }
        }
        t.updated = now;
    } else if (type == "model_chat" || type == "decision") {
        Trader& t = trader(id);
        Decision decision{field(p, {"timestamp", "time"}), field(p, {"symbol"}),
                          field(p, {"decision", "action", "operation"}), field(p, {"model"}),
                          field(p, {"reasoning", "reason", "content", "message", "text"})};
        if (t.model.empty()) t.model = decision.model;
        push_front_capped(t.decisions, std::move(decision), k_max_decisions);
        t.updated = now;
    } else if (type == "snapshot") {
        Trader& t = trader(id);
        const std::string equity = field(p, {"equity", "total_equity"});
        if (!equity.empty()) t.equity = equity;
        if (const auto* positions = list_of(p, {"positions"})) {
            set_positions(t, *positions);
        }
        t.updated = now;
    } else {
        ++m_ignored;
    }
}

void Fleet::on_accounts(std::string_view body) {
    const auto value = read(body);
    if (const auto* accounts = value ? list_of(*value, {"items", "data", "results", "accounts"}) : nullptr)
        apply_accounts(*accounts);
}

void Fleet::apply_accounts(const std::vector<Value>& accounts) {
    std::vector<std::string> listed;
    for (const auto& account : accounts) {
        const std::string id = field(account, {"id", "account_id"});
        if (id.empty() || !wanted(id)) continue;
        Trader& t = trader(id);
        if (auto name = field(account, {"name"}); !name.empty()) t.name = name;
        if (auto model = field(account, {"llm_model", "model"}); !model.empty()) t.model = model;
        std::string exchange = field(account, {"exchange"});
        if (exchange.empty() && flag(account, {"hyperliquid_enabled"}).value_or(false))
            exchange = "hyperliquid";
        if (!exchange.empty()) t.exchange = exchange;
        if (auto trading = flag(account, {"is_active", "trading_enabled"})) t.trading = trading;
        listed.push_back(id);
    }
    // The list decides who is shown, in its order; --account ids keep theirs.
    if (m_only.empty()) m_ids = listed;
    ++m_version;
}

template <typename T, typename Make, typename Keep>
void Fleet::share_out(const std::vector<Value>& items, std::vector<T> Trader::*list, Make make, Keep keep,
                      Time now) {
    std::vector<std::string> seen;
    for (const auto& item : items) {
        const std::string id = field(item, {"account_id"});
        if (id.empty() || !wanted(id)) continue;
        Trader& t = trader(id);
        if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
            (t.*list).clear();
            seen.push_back(id);
        }
        T built = make(item);
        if (keep(item, built)) (t.*list).push_back(std::move(built));
        t.updated = now;
    }
}

void Fleet::on_balance(const std::string& id, std::string_view body, Time now) {
    const auto value = read(body);
    if (!value || !wanted(id)) return;
    Trader& t = trader(id);
    const std::string equity = field(*value, {"total_equity", "equity", "balance_total"});
    if (!equity.empty()) t.equity = equity;
    if (t.exchange.empty()) t.exchange = field(*value, {"exchange"});
    t.updated = now;
    ++m_version;
}

void Fleet::on_positions(const std::string& id, std::string_view body, Time now) {
    const auto value = read(body);
    const auto* positions = value ? list_of(*value, {"positions", "items", "data"}) : nullptr;
    if (!positions || !wanted(id)) return;
    Trader& t = trader(id);
    set_positions(t, *positions);
    t.updated = now;
    ++m_version;
}

void Fleet::on_pending_orders(std::string_view body, Time now) {
    const auto value = read(body);
    const auto* orders = value ? list_of(*value, {"items", "data", "results", "orders"}) : nullptr;
    if (!orders) return;
    // The list is every pending order of the user: each shown trader's open orders are its own.
    for (const auto& id : m_ids) {
        if (Trader* t = known(id)) t->orders.clear();
    }
    for (const auto& item : *orders) {
        const std::string id = field(item, {"account_id"});
        Trader* t = id.empty() || !wanted(id) ? nullptr : known(id);
        if (!t) continue;
        Order order = order_of(item);
        if (open_order(order)) t->orders.push_back(std::move(order));
    }
    for (const auto& id : m_ids) {
        if (Trader* t = known(id)) t->updated = now;
    }
    ++m_version;
}

void Fleet::on_curve(const std::string& id, std::string_view body, Time now) {
    const auto value = read(body);
    if (!value || !value->is_object() || !wanted(id)) return;
    const Value& p = payload(*value);
    const auto* points = list_of(p, {"points", "curve"});
    if (!points) return;
    Trader& t = trader(id);
    read_curve(t, *points, k_max_curve);
    t.updated = now;
    ++m_version;
}

void Fleet::on_rest_error(std::string text) {
    m_rest_error = std::move(text);
    ++m_version;
}

void Fleet::on_rest_ok(Time now) {
    m_rest_error.clear();
    m_last_rest = now;
    ++m_version;
}

std::vector<const Trader*> Fleet::rows(SortKey key, bool descending, std::string_view filter) const {
    std::vector<const Trader*> out;
    const std::string needle = lower(filter);
    for (const auto& id : m_ids) {
        const Trader* t = find(id);
        if (!t) continue;
        if (!needle.empty() && lower(t->name).find(needle) == std::string::npos &&
            lower(t->model).find(needle) == std::string::npos &&
            lower(t->exchange).find(needle) == std::string::npos && t->id.find(needle) == std::string::npos)
            continue;
        out.push_back(t);
    }
    // -1/0/1 with unknown values last whatever the direction.
    const auto order = [&](const Trader* a, const Trader* b) -> int {
        switch (key) {
            case SortKey::name: return lower(a->name).compare(lower(b->name));
            case SortKey::equity: return compare_decimal(a->equity, b->equity);
            case SortKey::daily_pnl: return compare_decimal(a->daily_pnl, b->daily_pnl);
            case SortKey::daily_pct: return compare_decimal(daily_pct(*a), daily_pct(*b));
            case SortKey::positions:
                return a->positions.size() < b->positions.size() ? -1
                                                                 : a->positions.size() > b->positions.size();
            case SortKey::decision: {
                const std::string x = a->decisions.empty() ? "" : a->decisions.front().time;
                const std::string y = b->decisions.empty() ? "" : b->decisions.front().time;
                if (x.empty() || y.empty()) return x.empty() == y.empty() ? 0 : x.empty() ? 1 : -1;
                return x.compare(y);
            }
        }
        return 0;
    };
    const auto unknown = [&](const Trader* t) {
        switch (key) {
            case SortKey::equity: return !Decimal::parse(t->equity);
            case SortKey::daily_pnl: return !Decimal::parse(t->daily_pnl);
            case SortKey::daily_pct: return daily_pct(*t).empty();
            case SortKey::decision: return t->decisions.empty();
            default: return false;
        }
    };
    std::stable_sort(out.begin(), out.end(), [&](const Trader* a, const Trader* b) {
        const bool ua = unknown(a), ub = unknown(b);
        if (ua != ub) return ub;  // known first
        if (ua) return false;
        const int c = order(a, b);
        return descending ? c > 0 : c < 0;
    });
    return out;
}

}  // namespace hyperoru::cli::top
