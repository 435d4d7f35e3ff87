"""Control endpoints of the HTTP side: the request log, reset, scripted responses and faults,
generated items."""

import copy

from .common import ControlError, FAULT_ACTIONS, Reply, control_object, wait_targets
from .klines import SYMBOLS
from .seed import LATER, NOW, PASSWORD
from .websocket import WS_WAIT_LIMIT


def control_requests(state, request):
    """The request log; ?count=N first waits until it holds N requests (at most WS_WAIT_LIMIT)."""
    wanted = wait_targets(request, ["count"]).get("count", 0)
    state.logged.wait_for(lambda: len(state.log) >= wanted, WS_WAIT_LIMIT)
    return Reply.json(200, state.log)


def control_reset(state, request):
    state.reset()
    return Reply.json(200, {})


def check_script_response(r):
    """Validates one scripted response up front, so a bad script changes nothing."""
    if not isinstance(r, dict):
        raise ControlError("each response must be an object")
    unknown = set(r) - {"status", "reason", "headers", "body", "json", "delay", "action", "stall",
                        "interval", "at"}
    if unknown:
        raise ControlError("unknown response keys: %s" % sorted(unknown))
    status = r.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise ControlError("status must be an integer from 200 to 599")
    headers = r.get("headers", [])
    pairs = [list(p) for p in headers.items()] if isinstance(headers, dict) else headers
    if not isinstance(pairs, list):
        raise ControlError("headers must be an object or a list of [name, value]")
    for pair in pairs:
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)
                or any(c in "".join(pair) for c in "\r\n") or not pair[0]):
            raise ControlError("each header must be a [name, value] pair of strings without CR/LF")
    reason = r.get("reason", "")
    if not isinstance(reason, str) or any(c in reason for c in "\r\n"):
        raise ControlError("reason must be a string without CR/LF")
    if "body" in r and "json" in r:
        raise ControlError("give either body or json, not both")
    if "body" in r and not isinstance(r["body"], str):
        raise ControlError("body must be a string")
    for key in ("delay", "stall", "interval", "at"):
        value = r.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ControlError(key + " must be a non-negative number")
    if r.get("action") is not None and r["action"] not in FAULT_ACTIONS:
        raise ControlError("action must be one of %s" % sorted(FAULT_ACTIONS))


def control_script(state, request):
    spec = control_object(request)
    method, path, responses = spec.get("method"), spec.get("path"), spec.get("responses")
    if not isinstance(method, str) or not method:
        raise ControlError("method must be a non-empty string")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ControlError("path must be a string starting with /")
    if not isinstance(responses, list):
        raise ControlError("responses must be a list")
    for r in responses:
        check_script_response(r)
    queue = state.scripts[(method.upper(), path.split("?")[0])]
    queue.extend(responses)
    return Reply.json(200, {"queued": len(queue)})


# What POST /__standin/seed can generate: kind -> (State collection, item of the n-th generated).
SEED_KINDS = {
    "accounts": ("accounts", lambda n: {
        "user_id": 1, "name": "Trader %04d" % n, "model": "gpt-4o", "account_type": "prompt",
        "initial_capital": 1000.0, "current_cash": 1000.0, "frozen_cash": 0.0, "is_active": True,
        "show_on_dashboard": True, "hyperliquid_enabled": False,
        "hyperliquid_environment": "mainnet", "default_leverage": 1, "max_leverage": 3}),
    "orders": ("orders", lambda n: {
        "account_id": 1, "symbol": SYMBOLS[(n - 1) % 3], "side": ("buy", "sell")[(n - 1) % 2],
        "order_type": "market", "quantity": 0.01, "status": "pending"}),
    "users": ("users", lambda n: {
        "username": "trader%04d" % n, "email": "trader%04d@example.com" % n, "is_active": True}),
    "programs": ("programs", lambda n: {
        "name": "Program %04d" % n, "code": "fn run(ctx) { ... }", "enabled": True,
        "created_at": NOW}),
    "prompts": ("prompts", lambda n: {
        "name": "Prompt %04d" % n, "content": "Analyze {{symbol}}...", "created_at": NOW}),
    "factors": ("factors", lambda n: {
        "name": "factor_%04d" % n, "expression": "momentum_1d * %d" % n, "created_at": NOW}),
    "signals": ("signals", lambda n: {
        "name": "Signal %04d" % n, "type": "threshold",
        "config": {"indicator": "rsi", "threshold": 30, "direction": "below"}, "enabled": True}),
    "backfill-tasks": ("backfills", lambda n: {
        "symbol": "BTC", "interval": "1h", "status": "completed", "progress_pct": 100.0,
        "exchange": "hyperliquid", "environment": "mainnet", "period": "1h", "started_at": NOW,
        "finished_at": LATER, "rows_written": 720}),
}


def control_seed(state, request):
    spec = control_object(request)
    kind, count, fields = spec.get("kind"), spec.get("count", 1), spec.get("fields", {})
    if kind not in SEED_KINDS:
        raise ControlError("kind must be one of %s" % sorted(SEED_KINDS))
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100000:
        raise ControlError("count must be an integer from 0 to 100000")
    if not isinstance(fields, dict) or "id" in fields:
        raise ControlError("fields must be an object without id")
    attr, generate = SEED_KINDS[kind]
    collection = getattr(state, attr)
    added = []
    for _ in range(count):
        state.seeded[kind] += 1
        item = collection.add({**generate(state.seeded[kind]), **copy.deepcopy(fields)})
        added.append(item["id"])
        if kind == "users":
            state.passwords[item["id"]] = PASSWORD
    return Reply.json(200, {"kind": kind, "added": count,
                            "first_id": added[0] if added else None,
                            "last_id": added[-1] if added else None,
                            "total": len(collection.items)})
