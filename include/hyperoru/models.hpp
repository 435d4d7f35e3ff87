#pragma once
/// Typed models of the Hyperoru API, decoded with nlohmann/json (free from_json functions in
/// src/models.cpp). Decoding is tolerant: unknown fields are ignored, absent and null optional
/// fields are the same, ids may be JSON integers or strings, numbers may arrive as numeric
/// strings (§5). Numbers are doubles here, for computation; the CLI prints server data from the
/// exact text instead (hyperoru/exact_json.hpp).
///
/// Every field is optional unless stated: it is empty when the member is absent, null, or of a
/// type the field cannot hold (a string where a boolean is expected, a fraction where an
/// integer count is expected). The models are plain values, with no shared state.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hyperoru {

/// An identifier kept as its exact JSON text: the digits of an integer or a string's content
/// (§1.4). Never converted to floating point.
struct Id {
    std::string text;  ///< "42" for 42 and for "42"; a non-integer number keeps its JSON text
    /// True when the id is decimal digits without a leading zero: sent as a JSON number.
    bool is_numeric() const;
    /// The id in a JSON request body (§1.4): the digits when is_numeric(), else a JSON string.
    std::string json_text() const;
    bool operator==(const Id&) const = default;
};

/// A user (§2.2): the profile, and the `user` of a login reply.
struct User {
    std::optional<Id> id;
    std::optional<std::string> username;
    std::optional<std::string> email;
    std::optional<bool> is_active;
};

/// An account, that is an AI trader (§2.3). Older field names are read too (§5.10).
struct Account {
    std::optional<Id> id;  ///< `id`, else `account_id`
    std::optional<Id> user_id;
    std::optional<std::string> name;
    std::optional<std::string> account_type;
    std::optional<std::string> model;     ///< `llm_model`, else `model`
    std::optional<std::string> base_url;  ///< `llm_base_url`, else `base_url`
    std::optional<double> initial_capital;
    std::optional<double> current_cash;
    std::optional<double> frozen_cash;
    std::optional<bool> is_active;
    std::optional<bool> show_on_dashboard;
    std::optional<bool> hyperliquid_enabled;
    std::optional<std::string> hyperliquid_environment;
    std::optional<double> default_leverage;
    std::optional<double> max_leverage;
    std::optional<Id> avatar_preset_id;
};

/// The reply to POST /api/users/login (§2.2). Decoding it throws DecodeError when
/// session_token is absent, not a string or empty, the one field the client cannot do without.
struct LoginResult {
    std::string session_token;              ///< required, non-empty
    std::optional<std::string> expires_at;  ///< as received
    std::optional<User> user;
};

/// GET /api/health (§2.1).
struct Health {
    std::optional<std::string> status;
};

/// GET /api/crypto/price (§2.4).
struct Price {
    std::optional<std::string> symbol;
    std::optional<double> price;  ///< a number or a numeric string
};

/// An order (§2.5).
struct Order {
    std::optional<Id> id;
    std::optional<Id> account_id;
    std::optional<std::string> symbol;
    std::optional<std::string> name;
    std::optional<std::string> side;        ///< buy, sell (open set: shown as received)
    std::optional<std::string> order_type;  ///< market, limit
    std::optional<double> price;
    std::optional<double> quantity;
    std::optional<std::string> status;  ///< pending, executed, ...
};

/// One candle (§2.6).
struct Kline {
    std::optional<std::string> timestamp;
    std::optional<double> open, high, low, close, volume;
};

/// A position on the exchange (§2.13).
struct Position {
    std::optional<std::string> symbol;
    std::optional<std::string> side;
    std::optional<double> size, entry_price, mark_price, leverage, liquidation_price, unrealized_pnl;
};

/// GET /api/hyperliquid/accounts/{id}/positions.
struct Positions {
    std::vector<Position> positions;       ///< the array's objects; other elements are skipped
    std::optional<long long> total_count;  ///< a JSON integer only
    std::optional<double> total_unrealized_pnl;
};

/// GET /api/hyperliquid/accounts/{id}/balance.
struct Balance {
    std::optional<double> available, total_equity, margin_used, unrealized_pnl;
    std::optional<std::string> exchange, environment;
};

/// The `backtest` object of a program backtest result (§2.7).
struct Backtest {
    std::optional<Id> id, account_id, program_id;
    std::optional<std::string> status, started_at, finished_at;
    std::optional<double> total_pnl, win_rate;  ///< win_rate: a fraction from 0 to 1 (§1.6)
    std::optional<long long> total_trades;      ///< a JSON integer only
};

/// POST /api/programs/backtest: `metrics` and `trades` stay JSON text (not described further),
/// re-serialised compactly by nlohmann/json, so a number's text may differ from the server's;
/// RawReply::body has the exact bytes.
struct BacktestResult {
    Backtest backtest;                ///< all fields empty when `backtest` is absent or not an object
    std::string metrics;              ///< compact JSON, "{}" when absent or null
    std::vector<std::string> trades;  ///< each element as compact JSON; empty when not an array
};

/// POST /api/orders/create. account_id follows §1.4 (digits: a number, else a string).
struct OrderCreate {
    std::string account_id;
    std::string symbol;
    std::string name;
    std::string side;                  ///< buy or sell
    std::string order_type;            ///< market or limit
    std::string quantity;              ///< JSON number text, sent exactly (e.g. "0.010")
    std::optional<std::string> price;  ///< JSON number text; required for limit orders
};

// Decoders found by nlohmann/json (j.get<T>()), for Client and for callers holding a parsed
// body. They never throw for a missing or mistyped field (see the top of this file), except:
/// A string or a number (§1.4); throws DecodeError for any other JSON type.
void from_json(const nlohmann::json& j, Id& id);
void from_json(const nlohmann::json& j, Order& order);
void from_json(const nlohmann::json& j, Kline& kline);
void from_json(const nlohmann::json& j, Position& position);
void from_json(const nlohmann::json& j, Positions& positions);
void from_json(const nlohmann::json& j, Balance& balance);
void from_json(const nlohmann::json& j, Backtest& backtest);
void from_json(const nlohmann::json& j, BacktestResult& result);
void from_json(const nlohmann::json& j, User& user);
void from_json(const nlohmann::json& j, Account& account);
/// Throws DecodeError without a non-empty string session_token.
void from_json(const nlohmann::json& j, LoginResult& result);
void from_json(const nlohmann::json& j, Health& health);
void from_json(const nlohmann::json& j, Price& price);

}  // namespace hyperoru
