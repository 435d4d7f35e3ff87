// Tolerant decoding of the API models (§5): unknown fields ignored, null and absent alike,
// ids as text, numeric strings accepted where numbers are expected.
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

#include "client/decode.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/models.hpp"

namespace hyperoru {

using Json = nlohmann::json;

Json parse_json(std::string_view text) {
    constexpr std::size_t max_depth = hyperoru::json::Limits{}.max_depth;
    const Json::parser_callback_t check_depth = [](int depth, Json::parse_event_t, Json&) {
        if (static_cast<std::size_t>(depth) > max_depth) {
            throw DecodeError("invalid JSON: nested deeper than " + std::to_string(max_depth) + " levels");
        }
        return true;
    };
    try {
        return Json::parse(text.begin(), text.end(), check_depth);
    } catch (const Json::parse_error& e) {
        throw DecodeError("invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
    } catch (const Json::out_of_range& e) {
        // Valid JSON, but a number beyond double (1e400): nlohmann refuses it (error 406).
        throw DecodeError(std::string("a JSON number is out of range: ") + e.what());
    }
}

bool is_json_content_type(std::string_view content_type) {
    if (content_type.empty()) return true;
    std::string lowered(content_type.substr(0, content_type.find(';')));
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered.find("json") != std::string::npos;
}

bool Id::is_numeric() const {
    if (text.empty() || (text.size() > 1 && text.front() == '0')) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::string Id::json_text() const {
    return is_numeric() ? text : json::quote(text);
}

namespace {

const Json* member(const Json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
}

void read(const Json& j, const char* key, std::optional<std::string>& out) {
    if (const Json* v = member(j, key); v != nullptr && v->is_string()) out = v->get<std::string>();
}

void read(const Json& j, const char* key, std::optional<bool>& out) {
    if (const Json* v = member(j, key); v != nullptr && v->is_boolean()) out = v->get<bool>();
}

void read(const Json& j, const char* key, std::optional<double>& out) {
    const Json* v = member(j, key);
    if (v == nullptr) return;
    if (v->is_number()) {
        out = v->get<double>();
    } else if (v->is_string()) {
        // §1.6: a numeric string is accepted where a number is expected.
        const auto& s = v->get_ref<const std::string&>();
        double value = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc{} && end == s.data() + s.size()) out = value;
    }
}

void read(const Json& j, const char* key, std::optional<Id>& out) {
    const Json* v = member(j, key);
    if (v == nullptr) return;
    if (v->is_string() || v->is_number()) out = v->get<Id>();
}

void read(const Json& j, const char* key, std::optional<long long>& out) {
    if (const Json* v = member(j, key); v != nullptr && v->is_number_integer()) out = v->get<long long>();
}

}  // namespace

void from_json(const Json& j, Order& o) {
    read(j, "id", o.id);
    read(j, "account_id", o.account_id);
    read(j, "symbol", o.symbol);
    read(j, "name", o.name);
    read(j, "side", o.side);
    read(j, "order_type", o.order_type);
    read(j, "price", o.price);
    read(j, "quantity", o.quantity);
    read(j, "status", o.status);
}

void from_json(const Json& j, Kline& k) {
    read(j, "timestamp", k.timestamp);
    read(j, "open", k.open);
    read(j, "high", k.high);
    read(j, "low", k.low);
    read(j, "close", k.close);
    read(j, "volume", k.volume);
}

void from_json(const Json& j, Position& p) {
    read(j, "symbol", p.symbol);
    read(j, "side", p.side);
    read(j, "size", p.size);
    read(j, "entry_price", p.entry_price);
    read(j, "mark_price", p.mark_price);
    read(j, "leverage", p.leverage);
    read(j, "liquidation_price", p.liquidation_price);
    read(j, "unrealized_pnl", p.unrealized_pnl);
}

void from_json(const Json& j, Positions& p) {
    if (const Json* list = member(j, "positions"); list != nullptr && list->is_array()) {
        for (const auto& item : *list) {
            if (item.is_object()) p.positions.push_back(item.get<Position>());
        }
    }
    read(j, "total_count", p.total_count);
    read(j, "total_unrealized_pnl", p.total_unrealized_pnl);
}

void from_json(const Json& j, Balance& b) {
    read(j, "available", b.available);
    read(j, "total_equity", b.total_equity);
    read(j, "margin_used", b.margin_used);
    read(j, "unrealized_pnl", b.unrealized_pnl);
    read(j, "exchange", b.exchange);
    read(j, "environment", b.environment);
}

void from_json(const Json& j, Backtest& b) {
    read(j, "id", b.id);
    read(j, "account_id", b.account_id);
    read(j, "program_id", b.program_id);
    read(j, "status", b.status);
    read(j, "started_at", b.started_at);
    read(j, "finished_at", b.finished_at);
    read(j, "total_pnl", b.total_pnl);
    read(j, "win_rate", b.win_rate);
    read(j, "total_trades", b.total_trades);
}

void from_json(const Json& j, BacktestResult& r) {
    if (const Json* backtest = member(j, "backtest"); backtest != nullptr && backtest->is_object()) {
        r.backtest = backtest->get<Backtest>();
    }
    const Json* metrics = member(j, "metrics");
    r.metrics = metrics != nullptr ? metrics->dump() : "{}";
    if (const Json* trades = member(j, "trades"); trades != nullptr && trades->is_array()) {
        for (const auto& trade : *trades) r.trades.push_back(trade.dump());
    }
}

void from_json(const Json& j, Id& id) {
    if (j.is_string()) {
        id.text = j.get<std::string>();
    } else if (j.is_number_integer()) {
        id.text = j.dump();  // the exact digits; never through floating point
    } else if (j.is_number()) {
        id.text = j.dump();  // not an integer: the best text available
    } else {
        throw DecodeError("an id must be a JSON integer or string, got " + std::string(j.type_name()));
    }
}

void from_json(const Json& j, User& user) {
    read(j, "id", user.id);
    read(j, "username", user.username);
    read(j, "email", user.email);
    read(j, "is_active", user.is_active);
}

void from_json(const Json& j, Account& a) {
    read(j, "id", a.id);
    if (!a.id) read(j, "account_id", a.id);
    read(j, "user_id", a.user_id);
    read(j, "name", a.name);
    read(j, "account_type", a.account_type);
    read(j, "llm_model", a.model);
    if (!a.model) read(j, "model", a.model);
    read(j, "llm_base_url", a.base_url);
    if (!a.base_url) read(j, "base_url", a.base_url);
    read(j, "initial_capital", a.initial_capital);
    read(j, "current_cash", a.current_cash);
    read(j, "frozen_cash", a.frozen_cash);
    read(j, "is_active", a.is_active);
    read(j, "show_on_dashboard", a.show_on_dashboard);
    read(j, "hyperliquid_enabled", a.hyperliquid_enabled);
    read(j, "hyperliquid_environment", a.hyperliquid_environment);
    read(j, "default_leverage", a.default_leverage);
    read(j, "max_leverage", a.max_leverage);
    read(j, "avatar_preset_id", a.avatar_preset_id);
}

void from_json(const Json& j, LoginResult& result) {
    const Json* token = member(j, "session_token");
    if (token == nullptr || !token->is_string() || token->get_ref<const std::string&>().empty()) {
        throw DecodeError("the login response has no session_token");
    }
    result.session_token = token->get<std::string>();
    read(j, "expires_at", result.expires_at);
    if (const Json* user = member(j, "user"); user != nullptr && user->is_object()) {
        result.user = user->get<User>();
    }
}

void from_json(const Json& j, Health& health) {
    read(j, "status", health.status);
}

void from_json(const Json& j, Price& price) {
    read(j, "symbol", price.symbol);
    read(j, "price", price.price);
}

}  // namespace hyperoru
