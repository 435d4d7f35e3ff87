"""The seeded data: what the stand-in holds after a start or a reset, and demo mode's additions."""

# The token the C++ harness knows as k_standin_token (tests/support/standin.hpp).
SEEDED_TOKEN = "hs_test_token_0123456789abcdef"
PASSWORD = "secret"
EXPIRES_AT = "2027-05-24T00:00:00Z"
# The stand-in's clock: every created_at / started_at it writes.
NOW = "2026-04-09T12:00:00Z"
LATER = "2026-04-09T12:05:00Z"

SEEDED_USER = {"id": 1, "username": "trader1", "email": "trader@example.com", "is_active": True}

# Key order matters: tests compare bodies byte for byte, and dicts keep insertion order.
SEEDED_ACCOUNTS = [
    {"id": 1, "user_id": 1, "name": "Main Account", "model": "gpt-4o", "account_type": "prompt",
     "initial_capital": 1000.0, "current_cash": 1000.0, "frozen_cash": 0.0, "is_active": True,
     "show_on_dashboard": True, "hyperliquid_enabled": False,
     "hyperliquid_environment": "mainnet", "default_leverage": 1, "max_leverage": 3},
    {"id": 2, "user_id": 1, "name": "Hidden Scalper", "model": "claude-sonnet-4-20250514",
     "account_type": "program", "initial_capital": 500.0, "current_cash": 480.25,
     "frozen_cash": 0.0, "is_active": True, "show_on_dashboard": False,
     "hyperliquid_enabled": False, "hyperliquid_environment": "mainnet", "default_leverage": 1,
     "max_leverage": 2},
]
# Trades made before the stand-in started, per account (the overview's total_trades).
EARLIER_TRADES = {1: 42}

# Literal texts rather than json.dumps output: the client must keep number lexemes such as
# "67012.50" and "0.00000012" (which float formatting would rewrite) and accept a string price.
PRICES = {
    symbol: '{"symbol": "%s", "price": %s, "timestamp": "2026-11-25T12:00:00Z"}' % (symbol, price)
    for symbol, price in [("BTC", "67012.50"), ("ETH", "3450.25"), ("SOL", "142.7"),
                          ("PEPE", "0.00000012"), ("ARB", '"0.8125"')]
}

# Demo mode (--demo, the default unless --test-defaults) adds these orders to the seeded
# state, one of each status on the two traders, shaped as create_order and the order routes make
# them (a price only on limit orders). Orders allocated later continue at DEMO_NEXT_ORDER_ID.
DEMO_ORDERS = [
    {"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit",
     "price": 66500.0, "quantity": 0.01, "status": "pending"},
    {"id": 43, "account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "market",
     "quantity": 0.5, "status": "executed"},
    {"id": 44, "account_id": 2, "symbol": "SOL", "side": "buy", "order_type": "limit",
     "price": 135.5, "quantity": 2.0, "status": "cancelled"},
    {"id": 45, "account_id": 2, "symbol": "BTC", "side": "sell", "order_type": "market",
     "quantity": 0.005, "status": "executed"},
]
FIRST_ORDER_ID = 42
DEMO_NEXT_ORDER_ID = 46
DEMO_PUSH_INTERVAL = 3.0  # seconds between WebSocket pushes in demo mode without the market
# The program's name in --help and the start-up lines.
SANDBOX_NAME = "hyperoru-sandbox"

SEEDED_PROGRAMS = [{"id": 1, "name": "Grid Bot", "code": "fn run(ctx) { ... }", "enabled": True,
                    "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_PROMPTS = [{"id": 1, "name": "BTC Trend Follower", "content": "Analyze BTC price action...",
                   "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_SIGNALS = [{"id": 1, "name": "RSI Oversold", "type": "threshold",
                   "config": {"indicator": "rsi", "threshold": 30, "direction": "below"},
                   "enabled": True}]
SEEDED_POOLS = [{"id": 1, "name": "Momentum Pool", "signals_count": 3, "logic": "and"}]
SEEDED_FACTORS = [{"id": 1, "name": "vol_momentum", "expression": "volume_change * momentum_1d",
                   "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_BACKFILLS = [{"id": "bf-001", "symbol": "BTC", "interval": "1h", "status": "completed",
                     "progress_pct": 100.0, "exchange": "hyperliquid", "environment": "mainnet",
                     "period": "1h", "started_at": "2026-04-01T00:00:00Z",
                     "finished_at": "2026-04-01T00:02:00Z", "rows_written": 720}]
