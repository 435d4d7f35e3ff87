"""The route tables: every API endpoint of the contract and the control endpoints."""

import re
from urllib.parse import unquote

from .accounts import (account_overview, account_strategy, create_account, default_overview,
    delete_account, list_accounts, update_account)
from .ai import create_conversation, hyper_ai_chat
from .analytics import (BY_ACCOUNT, BY_FACTOR, BY_OPERATION, BY_STRATEGY, BY_SYMBOL,
    BY_TRIGGER_TYPE, analytics_summary)
from .common import DetailError, fixed
from .factors import (create_factor, delete_factor, factor_by_window, factor_effectiveness,
    factor_history, list_factors, update_factor)
from .faults import control_requests, control_reset, control_script, control_seed
from .hyperliquid import hl_balance, hl_positions, hl_state
from .klines import (KLINE_COVERAGE, SYMBOLS, backfill_status, klines_data, list_backfills, price,
    start_backfill)
from .market_feed import (control_market, control_market_pause, control_market_resume,
    control_market_tick)
from .orders import (account_orders, cancel_order, create_order, execute_order, pending_orders,
    process_orders, user_orders)
from .programs import (DEV_GUIDE, create_program, delete_program, get_program, list_programs,
    program_accounts, program_backtest, program_signal_pools, program_test_run, program_validate,
    update_program)
from .prompts import (copy_prompt, create_prompt, delete_prompt, get_prompt, list_prompts,
    poll_ai_stream, preview_prompt, prompt_ai_chat, prompt_backtest, rename_prompt, update_prompt)
from .signals import (create_pool, create_signal, delete_signal, get_signal, list_signals,
    update_signal)
from .users import (exchange_config, health, list_users, login, logout, profile, register,
    set_exchange_config, update_profile)
from .ws_control import (control_ws_close, control_ws_drop, control_ws_flap, control_ws_flood,
    control_ws_log, control_ws_ping, control_ws_push, control_ws_push_many, control_ws_reject,
    control_ws_silence, control_ws_state)


class Route:
    """A method and a path; "{name}" segments of the path become request.params[name]."""

    def __init__(self, method, template, handler, auth=True):
        self.method, self.handler, self.auth = method, handler, auth
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.regex = re.compile(pattern + r"\Z")

    def match(self, path):
        m = self.regex.match(path)
        return None if m is None else {k: unquote(v) for k, v in m.groupdict().items()}


def api_routes(options):
    """Every endpoint of the contract (section 2.0), one line each. The first route whose path
    and method match wins, so fixed paths come before templated ones of the same shape."""
    routes = [
        Route("GET", "/api/health", health, auth=False),
        # users and sessions (8)
        Route("POST", "/api/users/register", register, auth=False),
        Route("POST", "/api/users/login", login, auth=False),
        Route("POST", "/api/users/logout", logout),
        Route("GET", "/api/users/profile", profile),
        Route("PUT", "/api/users/profile", update_profile),
        Route("GET", "/api/users/", list_users),
        Route("GET", "/api/users/exchange-config", exchange_config),
        Route("POST", "/api/users/exchange-config", set_exchange_config),
        # accounts (7)
        Route("GET", "/api/account/list", list_accounts),
        Route("GET", "/api/account/overview", default_overview),
        Route("POST", "/api/account/", create_account),
        Route("PUT", "/api/account/{account_id}", update_account),
        Route("DELETE", "/api/account/{account_id}", delete_account),
        Route("GET", "/api/account/{account_id}/overview", account_overview),
        Route("GET", "/api/account/{account_id}/strategy", account_strategy),
        # market price (1)
        Route("GET", "/api/crypto/price", price),
        # orders (7)
        Route("POST", "/api/orders/create", create_order),
        Route("GET", "/api/orders/pending", pending_orders),
        Route("GET", "/api/orders/user/{user_id}", user_orders),
        Route("GET", "/api/orders/account/{account_id}", account_orders),
        Route("POST", "/api/orders/execute/{order_id}", execute_order),
        Route("POST", "/api/orders/cancel/{order_id}", cancel_order),
        Route("POST", "/api/orders/process-all", process_orders),
        # klines (6)
        Route("GET", "/api/klines/data", klines_data),
        Route("GET", "/api/klines/coverage", fixed(KLINE_COVERAGE)),
        Route("GET", "/api/klines/supported-symbols", fixed({"symbols": SYMBOLS})),
        Route("GET", "/api/klines/backfill-tasks", list_backfills),
        Route("POST", "/api/klines/backfill", start_backfill),
        Route("GET", "/api/klines/backfill/status/{task_id}", backfill_status),
        # programs (11)
        Route("GET", "/api/programs/", list_programs),
        Route("POST", "/api/programs/", create_program),
        Route("GET", "/api/programs/dev-guide", fixed(DEV_GUIDE)),
        Route("GET", "/api/programs/signal-pools/", program_signal_pools),
        Route("GET", "/api/programs/accounts/", program_accounts),
        Route("POST", "/api/programs/test-run", program_test_run),
        Route("POST", "/api/programs/validate", program_validate),
        Route("POST", "/api/programs/backtest", program_backtest),
        Route("GET", "/api/programs/{id}", get_program),
        Route("PUT", "/api/programs/{id}", update_program),
        Route("DELETE", "/api/programs/{id}", delete_program),
        # prompts (9) and prompt backtest (1)
        Route("GET", "/api/prompts/", list_prompts),
        Route("POST", "/api/prompts/", create_prompt),
        Route("POST", "/api/prompts/preview", preview_prompt),
        Route("POST", "/api/prompts/ai-chat-stream", prompt_ai_chat),
        Route("GET", "/api/prompts/{id}", get_prompt),
        Route("PUT", "/api/prompts/{id}", update_prompt),
        Route("DELETE", "/api/prompts/{id}", delete_prompt),
        Route("POST", "/api/prompts/{template_id}/copy", copy_prompt),
        Route("PATCH", "/api/prompts/{id}/name", rename_prompt),
        Route("POST", "/api/prompt-backtest/tasks", prompt_backtest),
        # signals (6)
        Route("GET", "/api/signals/", list_signals),
        Route("POST", "/api/signals/definitions", create_signal),
        Route("GET", "/api/signals/definitions/{signal_id}", get_signal),
        Route("PUT", "/api/signals/definitions/{signal_id}", update_signal),
        Route("DELETE", "/api/signals/definitions/{signal_id}", delete_signal),
        Route("POST", "/api/signals/pools", create_pool),
        # factors (7)
        Route("GET", "/api/factors/custom", list_factors),
        Route("POST", "/api/factors/custom", create_factor),
        Route("PUT", "/api/factors/custom/{factor_id}", update_factor),
        Route("DELETE", "/api/factors/custom/{factor_id}", delete_factor),
        Route("GET", "/api/factors/effectiveness", factor_effectiveness),
        Route("GET", "/api/factors/effectiveness/{factor_name}/history", factor_history),
        Route("GET", "/api/factors/effectiveness/{factor_name}/by-window", factor_by_window),
        # analytics (7)
        Route("GET", "/api/analytics/summary", analytics_summary),
        Route("GET", "/api/analytics/by-strategy", fixed(BY_STRATEGY)),
        Route("GET", "/api/analytics/by-account", fixed(BY_ACCOUNT)),
        Route("GET", "/api/analytics/by-symbol", fixed(BY_SYMBOL)),
        Route("GET", "/api/analytics/by-operation", fixed(BY_OPERATION)),
        Route("GET", "/api/analytics/by-trigger-type", fixed(BY_TRIGGER_TYPE)),
        Route("GET", "/api/analytics/by-factor", fixed(BY_FACTOR)),
        # hyperliquid (3)
        Route("GET", "/api/hyperliquid/accounts/{account_id}/positions", hl_positions),
        Route("GET", "/api/hyperliquid/accounts/{account_id}/balance", hl_balance),
        Route("GET", "/api/hyperliquid/account/{account_id}/state", hl_state),
        # Hyper AI and AI stream (3)
        Route("POST", "/api/hyper-ai/chat", hyper_ai_chat),
        Route("POST", "/api/hyper-ai/conversations", create_conversation),
        Route("GET", "/api/ai-stream/{task_id}", poll_ai_stream),
    ]
    # --no-logout imitates the servers that lack the endpoint (contract section 2.2).
    return [r for r in routes if not (options.no_logout and r.handler is logout)]


CONTROL_ROUTES = [
    Route("GET", "/__standin/requests", control_requests, auth=False),
    Route("POST", "/__standin/reset", control_reset, auth=False),
    Route("POST", "/__standin/script", control_script, auth=False),
    Route("POST", "/__standin/seed", control_seed, auth=False),
    # the market (--market)
    Route("GET", "/__standin/market", control_market, auth=False),
    Route("POST", "/__standin/market/tick", control_market_tick, auth=False),
    Route("POST", "/__standin/market/pause", control_market_pause, auth=False),
    Route("POST", "/__standin/market/resume", control_market_resume, auth=False),
    # the WebSocket side
    Route("GET", "/__standin/ws-log", control_ws_log, auth=False),
    Route("GET", "/__standin/ws/state", control_ws_state, auth=False),
    Route("POST", "/__standin/ws/push", control_ws_push, auth=False),
    Route("POST", "/__standin/ws/push-many", control_ws_push_many, auth=False),
    Route("POST", "/__standin/ws/drop", control_ws_drop, auth=False),
    Route("POST", "/__standin/ws/close", control_ws_close, auth=False),
    Route("POST", "/__standin/ws/silence", control_ws_silence, auth=False),
    Route("POST", "/__standin/ws/ping", control_ws_ping, auth=False),
    Route("POST", "/__standin/ws/reject", control_ws_reject, auth=False),
    Route("POST", "/__standin/ws/flap", control_ws_flap, auth=False),
    Route("POST", "/__standin/ws/flood", control_ws_flood, auth=False),
]


def find_route(routes, method, path):
    """(route, params), or raises the FastAPI-style 404/405 a real server would give."""
    path_known = False
    for route in routes:
        params = route.match(path)
        if params is None:
            continue
        if route.method == method:
            return route, params
        path_known = True
    if path_known:
        raise DetailError(405, "Method Not Allowed")
    raise DetailError(404, "Not Found")
