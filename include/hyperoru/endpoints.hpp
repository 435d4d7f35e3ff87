#pragma once
/// Every REST endpoint of the Hyperoru API contract, described once.
///
/// Each endpoint is a constant in hyperoru::api (named after its resource and action) that
/// Client::invoke() accepts; typed Client methods exist for the calls the contract documents in
/// full. The command line is built from the same table, so a path or method lives in one place.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::api {

/// One REST endpoint of the contract: a compile-time constant (below) with static storage, so
/// pointers to it stay valid for the whole program and may be shared between threads.
struct Endpoint {
    std::string_view name;    ///< stable identifier, e.g. "order.create"
    std::string_view method;  ///< "GET", "POST", "PUT", "PATCH", "DELETE"
    std::string_view path;    ///< as the contract writes it, with {placeholders}
    /// Sends Authorization: Bearer (§1.2); false only for health, register and login.
    bool authenticated = true;
    bool has_body = false;  ///< false: neither a body nor a Content-Type is ever sent (§1.3)
};

// The contract's §2, in its order. The X-macro keeps the constants and the list in step:
// X(constant, name, method, path, authenticated, has_body).
#define HYPERORU_API_ENDPOINTS(X)                                                                            \
    X(health, "health", "GET", "/api/health", false, false)                                                  \
    X(user_register, "user.register", "POST", "/api/users/register", false, true)                            \
    X(user_login, "user.login", "POST", "/api/users/login", false, true)                                     \
    X(user_logout, "user.logout", "POST", "/api/users/logout", true, false)                                  \
    X(profile_get, "profile.get", "GET", "/api/users/profile", true, false)                                  \
    X(profile_update, "profile.update", "PUT", "/api/users/profile", true, true)                             \
    X(user_list, "user.list", "GET", "/api/users/", true, false)                                             \
    X(exchange_config_get, "exchange-config.get", "GET", "/api/users/exchange-config", true, false)          \
    X(exchange_config_set, "exchange-config.set", "POST", "/api/users/exchange-config", true, true)          \
    X(account_list, "account.list", "GET", "/api/account/list", true, false)                                 \
    X(account_overview_default, "account.overview", "GET", "/api/account/overview", true, false)             \
    X(account_create, "account.create", "POST", "/api/account/", true, true)                                 \
    X(account_update, "account.update", "PUT", "/api/account/{account_id}", true, true)                      \
    X(account_delete, "account.delete", "DELETE", "/api/account/{account_id}", true, false)                  \
    X(account_overview, "account.overview-by-id", "GET", "/api/account/{account_id}/overview", true, false)  \
    X(account_strategy, "account.strategy", "GET", "/api/account/{account_id}/strategy", true, false)        \
    X(price, "price", "GET", "/api/crypto/price", true, false)                                               \
    X(order_create, "order.create", "POST", "/api/orders/create", true, true)                                \
    X(order_pending, "order.pending", "GET", "/api/orders/pending", true, false)                             \
    X(order_by_user, "order.by-user", "GET", "/api/orders/user/{user_id}", true, false)                      \
    X(order_by_account, "order.by-account", "GET", "/api/orders/account/{account_id}", true, false)          \
    X(order_execute, "order.execute", "POST", "/api/orders/execute/{order_id}", true, false)                 \
    X(order_cancel, "order.cancel", "POST", "/api/orders/cancel/{order_id}", true, false)                    \
    X(order_process_all, "order.process-all", "POST", "/api/orders/process-all", true, false)                \
    X(kline_data, "klines.data", "GET", "/api/klines/data", true, false)                                     \
    X(kline_coverage, "klines.coverage", "GET", "/api/klines/coverage", true, false)                         \
    X(kline_symbols, "klines.symbols", "GET", "/api/klines/supported-symbols", true, false)                  \
    X(kline_backfill_tasks, "klines.backfill-tasks", "GET", "/api/klines/backfill-tasks", true, false)       \
    X(kline_backfill, "klines.backfill", "POST", "/api/klines/backfill", true, true)                         \
    X(kline_backfill_status, "klines.backfill-status", "GET", "/api/klines/backfill/status/{task_id}", true, \
      false)                                                                                                 \
    X(program_list, "program.list", "GET", "/api/programs/", true, false)                                    \
    X(program_create, "program.create", "POST", "/api/programs/", true, true)                                \
    X(program_get, "program.show", "GET", "/api/programs/{id}", true, false)                                 \
    X(program_update, "program.update", "PUT", "/api/programs/{id}", true, true)                             \
    X(program_delete, "program.delete", "DELETE", "/api/programs/{id}", true, false)                         \
    X(program_test_run, "program.test-run", "POST", "/api/programs/test-run", true, true)                    \
    X(program_dev_guide, "program.dev-guide", "GET", "/api/programs/dev-guide", true, false)                 \
    X(program_signal_pools, "program.signal-pools", "GET", "/api/programs/signal-pools/", true, false)       \
    X(program_accounts, "program.accounts", "GET", "/api/programs/accounts/", true, false)                   \
    X(program_validate, "program.validate", "POST", "/api/programs/validate", true, true)                    \
    X(program_backtest, "program.backtest", "POST", "/api/programs/backtest", true, true)                    \
    X(prompt_list, "prompt.list", "GET", "/api/prompts/", true, false)                                       \
    X(prompt_create, "prompt.create", "POST", "/api/prompts/", true, true)                                   \
    X(prompt_get, "prompt.show", "GET", "/api/prompts/{id}", true, false)                                    \
    X(prompt_update, "prompt.update", "PUT", "/api/prompts/{id}", true, true)                                \
    X(prompt_delete, "prompt.delete", "DELETE", "/api/prompts/{id}", true, false)                            \
    X(prompt_copy, "prompt.copy", "POST", "/api/prompts/{template_id}/copy", true, false)                    \
    X(prompt_rename, "prompt.rename", "PATCH", "/api/prompts/{id}/name", true, true)                         \
    X(prompt_preview, "prompt.preview", "POST", "/api/prompts/preview", true, true)                          \
    X(prompt_ai_chat, "prompt.ai-chat", "POST", "/api/prompts/ai-chat-stream", true, true)                   \
    X(prompt_backtest_create, "prompt-backtest.create", "POST", "/api/prompt-backtest/tasks", true, true)    \
    X(signal_list, "signal.list", "GET", "/api/signals/", true, false)                                       \
    X(signal_definition_create, "signal.definition.create", "POST", "/api/signals/definitions", true, true)  \
    X(signal_definition_get, "signal.definition.show", "GET", "/api/signals/definitions/{signal_id}", true,  \
      false)                                                                                                 \
    X(signal_definition_update, "signal.definition.update", "PUT", "/api/signals/definitions/{signal_id}",   \
      true, true)                                                                                            \
    X(signal_definition_delete, "signal.definition.delete", "DELETE",                                        \
      "/api/signals/definitions/{signal_id}", true, false)                                                   \
    X(signal_pool_create, "signal.pool.create", "POST", "/api/signals/pools", true, true)                    \
    X(factor_list, "factor.list", "GET", "/api/factors/custom", true, false)                                 \
    X(factor_create, "factor.create", "POST", "/api/factors/custom", true, true)                             \
    X(factor_update, "factor.update", "PUT", "/api/factors/custom/{factor_id}", true, true)                  \
    X(factor_delete, "factor.delete", "DELETE", "/api/factors/custom/{factor_id}", true, false)              \
    X(factor_effectiveness, "factor.effectiveness", "GET", "/api/factors/effectiveness", true, false)        \
    X(factor_history, "factor.history", "GET", "/api/factors/effectiveness/{factor_name}/history", true,     \
      false)                                                                                                 \
    X(factor_by_window, "factor.by-window", "GET", "/api/factors/effectiveness/{factor_name}/by-window",     \
      true, false)                                                                                           \
    X(analytics_summary, "analytics.summary", "GET", "/api/analytics/summary", true, false)                  \
    X(analytics_by_strategy, "analytics.by-strategy", "GET", "/api/analytics/by-strategy", true, false)      \
    X(analytics_by_account, "analytics.by-account", "GET", "/api/analytics/by-account", true, false)         \
    X(analytics_by_symbol, "analytics.by-symbol", "GET", "/api/analytics/by-symbol", true, false)            \
    X(analytics_by_operation, "analytics.by-operation", "GET", "/api/analytics/by-operation", true, false)   \
    X(analytics_by_trigger_type, "analytics.by-trigger-type", "GET", "/api/analytics/by-trigger-type", true, \
      false)                                                                                                 \
    X(analytics_by_factor, "analytics.by-factor", "GET", "/api/analytics/by-factor", true, false)            \
    X(hyperliquid_positions, "hyperliquid.positions", "GET",                                                 \
      "/api/hyperliquid/accounts/{account_id}/positions", true, false)                                       \
    X(hyperliquid_balance, "hyperliquid.balance", "GET", "/api/hyperliquid/accounts/{account_id}/balance",   \
      true, false)                                                                                           \
    X(hyperliquid_state, "hyperliquid.state", "GET", "/api/hyperliquid/account/{account_id}/state", true,    \
      false)                                                                                                 \
    X(ai_chat, "ai.chat", "POST", "/api/hyper-ai/chat", true, true)                                          \
    X(ai_conversation_create, "ai.conversation.create", "POST", "/api/hyper-ai/conversations", true, true)   \
    X(ai_stream_poll, "ai.stream", "GET", "/api/ai-stream/{task_id}", true, false)

#define HYPERORU_DECLARE_ENDPOINT(id, name, method, path, auth, body) \
    inline constexpr Endpoint id{name, method, path, auth, body};
HYPERORU_API_ENDPOINTS(HYPERORU_DECLARE_ENDPOINT)
#undef HYPERORU_DECLARE_ENDPOINT

/// All endpoints, in the contract's order (the constants above, by address; built once, on first
/// use, safely from any thread).
const std::vector<const Endpoint*>& all();

/// The endpoint named `name` ("order.create"; exact, case-sensitive); nullptr when unknown.
const Endpoint* find(std::string_view name);

/// The path with each {placeholder} replaced, in order, by the matching argument percent-encoded
/// as one path segment (§1.1), so "a/b" or "../x" can never change the route; e.g.
/// expand_path(order_cancel, {"42"}) is "/api/orders/cancel/42". Throws hyperoru::UsageError
/// when the count does not match or an argument is empty.
std::string expand_path(const Endpoint& endpoint, const std::vector<std::string>& args);

/// The placeholder names of the path, in order ("account_id", ...).
std::vector<std::string> path_parameters(const Endpoint& endpoint);

}  // namespace hyperoru::api
