"""Programs (contract section 2.7)."""

from .common import (Field, Raw, Reply, create_item, delete_item, get_item, is_number, list_items,
    pick, update_item, validate)
from .seed import LATER, NOW


# -- programs (contract section 2.7) -------------------------------------------------------------

PROGRAM_SCHEMA = [Field("name", "name", required=True), Field("code", "str", required=True),
                  Field("description", "str"), Field("enabled", "bool", default=True),
                  Field("created_at", "readonly", default=NOW)]
PROGRAM_LISTED = ("id", "name", "enabled", "created_at")
PROGRAM_CREATED = ("id", "name", "created_at")
DEV_GUIDE = {"guide": "# Program Development Guide\n\n## Context Object\n..."}
TEST_RUN = {"status": "ok", "result": {"action": "buy", "quantity": 0.01,
                                       "reason": "Grid level hit"}}
list_programs = list_items("programs", PROGRAM_LISTED)
create_program = create_item("programs", PROGRAM_SCHEMA, PROGRAM_CREATED)
get_program = get_item("programs", "id")
update_program = update_item("programs", "id", PROGRAM_SCHEMA)
delete_program = delete_item("programs", "id")
BACKTEST_TRADES = [
    {"symbol": "BTC", "side": "buy", "quantity": 0.05, "entry_price": Raw("67000.0"),
     "exit_price": Raw("67200.0"), "pnl": Raw("10.0"), "opened_at": "2025-01-02T00:00:00Z",
     "closed_at": "2025-01-02T04:00:00Z"},
    {"symbol": "ETH", "side": "sell", "quantity": 1.0, "entry_price": Raw("3450.25"),
     "exit_price": Raw("3400.25"), "pnl": Raw("50.0"), "opened_at": "2025-01-03T00:00:00Z",
     "closed_at": "2025-01-03T08:00:00Z"},
    {"symbol": "SOL", "side": "buy", "quantity": 10.0, "entry_price": Raw("142.70"),
     "exit_price": Raw("141.20"), "pnl": Raw("-15.0"), "opened_at": "2025-01-04T00:00:00Z",
     "closed_at": "2025-01-04T12:00:00Z"},
]


def program_signal_pools(state, request):
    return Reply.json(200, [pick(p, ("id", "name", "signals_count")) for p in state.pools.items])


def program_accounts(state, request):
    return Reply.json(200, [pick(a, ("id", "name", "account_type")) for a in state.accounts.items
                            if a["id"] not in state.deleted_accounts])


def program_test_run(state, request):
    body = request.json_body()
    validate(body, [Field("program_id", "id", required=True), Field("symbol", "name")], True)
    state.programs.get(body["program_id"])
    return Reply.json(200, TEST_RUN)


def program_validate(state, request):
    body = request.json_body()
    validate(body, [Field("code", "str", required=True)], creating=True)
    errors, depth, line = [], 0, 1
    for char in body["code"]:
        line += char == "\n"
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            errors.append({"line": line, "message": "unexpected '}'"})
            break
    if depth > 0:
        errors.append({"line": line, "message": "missing '}'"})
    return Reply.json(200, {"valid": not errors, "errors": errors})


def program_backtest(state, request):
    body = request.json_body()
    config = body.get("config") if isinstance(body.get("config"), dict) else {}
    initial = config.get("initial_balance")
    initial = initial if is_number(initial) else 10000.0
    backtest = state.program_backtests.add({
        "status": "completed", "account_id": body.get("account_id"),
        "program_id": body.get("program_id"), "started_at": NOW, "finished_at": LATER,
        "total_pnl": 45.0, "total_trades": 3, "win_rate": 0.6667})
    return Reply.json(200, {"backtest": backtest,
                            "metrics": {"initial_balance": initial, "final_balance": initial + 45.0,
                                        "sharpe_ratio": 1.42, "max_drawdown_pct": 0.15},
                            "trades": BACKTEST_TRADES})
