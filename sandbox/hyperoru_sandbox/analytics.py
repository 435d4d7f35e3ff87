"""Analytics (contract section 2.12)."""

from .common import Reply, int_arg


# -- analytics (contract section 2.12) -----------------------------------------------------------

BY_STRATEGY = [{"strategy": "prompt", "trades": 100, "win_rate": 0.65, "pnl": 2500.0},
               {"strategy": "program", "trades": 50, "win_rate": 0.56, "pnl": 700.0}]
BY_ACCOUNT = [{"account_id": 1, "account_name": "Main", "trades": 80, "pnl": 2000.0}]
BY_SYMBOL = [{"symbol": "BTC", "trades": 60, "win_rate": 0.68, "pnl": 1800.0},
             {"symbol": "ETH", "trades": 40, "win_rate": 0.55, "pnl": 500.0}]
BY_OPERATION = [{"operation": "buy", "trades": 90, "win_rate": 0.64, "pnl": 2200.0},
                {"operation": "sell", "trades": 60, "win_rate": 0.58, "pnl": 1000.0}]
BY_TRIGGER_TYPE = [{"trigger_type": "ai_decision", "trades": 100, "pnl": 2500.0},
                   {"trigger_type": "signal", "trades": 30, "pnl": 400.0},
                   {"trigger_type": "manual", "trades": 20, "pnl": 300.0}]
BY_FACTOR = [{"factor_name": "momentum_1d", "trades": 70, "win_rate": 0.61, "pnl": 1900.0},
             {"factor_name": "funding_rate", "trades": 30, "win_rate": 0.5, "pnl": 250.0}]


def analytics_summary(state, request):
    days = int_arg(request, "days", 1, 30)  # the documented 30 days: 150 trades, 3200.0 PnL
    return Reply.json(200, {"total_trades": 5 * days, "win_rate": 0.62,
                            "total_pnl": round(3200.0 * days / 30, 2), "avg_return_pct": 1.8})
