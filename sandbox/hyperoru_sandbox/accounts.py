"""Accounts (contract section 2.3)."""

from .common import ApiError, Reply, invalid, paged, parse_bool
from .seed import EARLIER_TRADES


# -- accounts (contract section 2.3) -------------------------------------------------------------

def list_accounts(state, request):
    include_hidden = parse_bool(request, "include_hidden")
    return paged(state, request, [a for a in state.accounts.items
                                  if include_hidden or a["show_on_dashboard"]])


# Create-account fields that are consumed into the fixed part of the response, or never echoed.
CONSUMED_FIELDS = {"id", "user_id", "name", "description", "llm_model", "model", "llm_base_url",
                   "base_url", "account_type", "initial_capital", "current_cash", "frozen_cash",
                   "is_active", "show_on_dashboard", "llm_api_key", "api_key"}
SECRET_FIELDS = {"llm_api_key", "api_key"}  # accepted, never stored nor echoed
ACCOUNT_ALIASES = {"llm_model": "model", "llm_base_url": "base_url"}


def first_given(body, *names):
    return next((body[n] for n in names if body.get(n) is not None), None)


def create_account(state, request):
    body = request.json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ApiError(422, "VALIDATION_ERROR", "name is required")
    capital = first_given(body, "initial_capital")
    capital = 0.0 if capital is None else capital
    if isinstance(capital, bool) or not isinstance(capital, (int, float)):
        raise ApiError(422, "VALIDATION_ERROR", "initial_capital must be a number")
    account = {"user_id": 1, "name": name}
    if "description" in body:
        account["description"] = body["description"]
    account["model"] = first_given(body, "llm_model", "model")
    account["base_url"] = first_given(body, "llm_base_url", "base_url")
    account["account_type"] = first_given(body, "account_type") or "prompt"
    account["initial_capital"] = account["current_cash"] = float(capital)
    account["frozen_cash"] = 0.0
    # Given flags are honoured so that tests can create hidden or inactive accounts.
    account["is_active"] = first_given(body, "is_active") is not False
    account["show_on_dashboard"] = first_given(body, "show_on_dashboard") is not False
    account.update((k, v) for k, v in body.items() if k not in CONSUMED_FIELDS)
    return Reply.json(201, state.accounts.add(account))


def live_account(state, account_id):
    """The account, or 404 when it is unknown or soft-deleted."""
    account = state.accounts.get(account_id)
    if account["id"] in state.deleted_accounts:
        raise ApiError(404, state.accounts.code, "Account not found")
    return account


def default_overview(state, request):
    user_id = state.tokens[request.token]
    account = next((a for a in state.accounts.items if a["user_id"] == user_id
                    and a["is_active"] and a["id"] not in state.deleted_accounts), None)
    if account is None:
        raise ApiError(404, "ACCOUNT_NOT_FOUND", "Account not found")
    return Reply.json(200, {"account": account, "positions_value": 0.0,
                            "total_assets": account["current_cash"] + 0.0})


def account_overview(state, request):
    account = live_account(state, request.params["account_id"])
    executed = sum(1 for o in state.orders.items
                   if o["account_id"] == account["id"] and o["status"] == "executed")
    return Reply.json(200, {"id": account["id"], "name": account["name"],
                            "model": account.get("model"), "trading_enabled": account["is_active"],
                            "total_trades": EARLIER_TRADES.get(account["id"], 0) + executed})


def update_account(state, request):
    body = request.json_body()
    if "name" in body and (not isinstance(body["name"], str) or not body["name"]):
        raise invalid("name must be a non-empty string")
    account = live_account(state, request.params["account_id"])
    for key, value in body.items():
        if key not in SECRET_FIELDS and key not in ("id", "user_id"):
            account[ACCOUNT_ALIASES.get(key, key)] = value
    return Reply.json(200, account)


def delete_account(state, request):
    # A soft delete: inactive and hidden, still listed with include_hidden=true.
    account = live_account(state, request.params["account_id"])
    account["is_active"] = account["show_on_dashboard"] = False
    state.deleted_accounts.add(account["id"])
    return Reply(204)


def account_strategy(state, request):
    account = live_account(state, request.params["account_id"])
    kind = account.get("account_type") or "prompt"
    bound = "program_id" if kind == "program" else "prompt_id"
    return Reply.json(200, {"account_id": account["id"], "strategy_type": kind, bound: 1,
                            "trigger_interval_minutes": 60})
