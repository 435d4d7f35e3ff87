"""Hyperliquid (contract section 2.13)."""

from .accounts import live_account
from .common import Raw, Reply
from .market_feed import account_exchange, market_of
from .seed import NOW


# -- hyperliquid (contract section 2.13) ---------------------------------------------------------

MAIN_POSITIONS = Raw(
    '[{"symbol": "BTC", "side": "long", "size": 0.05, "entry_price": 65500.0, '
    '"mark_price": 67012.50, "leverage": 3, "liquidation_price": 45210.75, '
    '"unrealized_pnl": 75.625}, '
    '{"symbol": "ETH", "side": "short", "size": 1.2, "entry_price": 3500.25, '
    '"mark_price": 3450.25, "leverage": 2, "liquidation_price": null, "unrealized_pnl": 60.0}]')
MAIN_BALANCE = {"available": 9876.54, "environment": "mainnet", "exchange": "hyperliquid",
                "total_equity": 12345.67, "margin_used": 1500, "unrealized_pnl": 0.05}


def hl_positions(state, request):
    account = live_account(state, request.params["account_id"])
    market = market_of(state, account["id"])
    if market is not None:  # the market's traders: their open positions
        return Reply(200, market.positions_reply(account["id"]).encode())
    if account["id"] == 1:
        return Reply.json(200, {"positions": MAIN_POSITIONS, "total_count": 2,
                                "total_unrealized_pnl": Raw("135.625")})
    return Reply.json(200, {"positions": [], "total_count": 0, "total_unrealized_pnl": 0.0})


def balance_of(state, account):
    market = market_of(state, account["id"])
    if market is not None:  # the market's traders: from their positions
        return market.balance(account["id"], account_exchange(account))
    if account["id"] == 1:
        return MAIN_BALANCE
    cash = account.get("current_cash", 0.0)
    return {"available": cash, "environment": account.get("hyperliquid_environment", "mainnet"),
            "exchange": "hyperliquid", "total_equity": cash, "margin_used": 0.0,
            "unrealized_pnl": 0.0}


def hl_balance(state, request):
    return Reply.json(200, balance_of(state, live_account(state, request.params["account_id"])))


def hl_state(state, request):
    account = live_account(state, request.params["account_id"])
    balance = balance_of(state, account)
    return Reply.json(200, {"id": 1000 + account["id"], "account_id": account["id"],
                            "environment": balance["environment"],
                            "balance_available": balance["available"],
                            "balance_total": balance["total_equity"],
                            "margin_used": balance["margin_used"],
                            "unrealized_pnl": balance["unrealized_pnl"], "taken_at": NOW})
