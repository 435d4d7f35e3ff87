"""The market price (contract section 2.4) and klines (contract section 2.6)."""

from datetime import datetime, timedelta, timezone

from .common import ApiError, Field, Reply, decimal_text, invalid, list_items, paged, pick, validate
from .seed import LATER, NOW, PRICES


# -- market price (contract section 2.4) ---------------------------------------------------------

def price(state, request):
    symbol = request.arg("symbol")
    if not symbol:
        raise ApiError(400, "VALIDATION_ERROR", "symbol is required")
    if symbol not in PRICES:
        raise ApiError(404, "SYMBOL_NOT_FOUND", "Unknown symbol: " + symbol)
    return Reply(200, PRICES[symbol].encode())


# -- klines (contract section 2.6) ---------------------------------------------------------------

SYMBOLS = ["BTC", "ETH", "SOL", "ARB"]
INTERVALS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14400, "1d": 86400}
KLINE_ANCHOR = datetime(2026, 4, 1, tzinfo=timezone.utc)  # candle 0 is the contract's example
MAX_CANDLES = 5000
# Per symbol: decimals of its prices, the price of candle 0 and the price step (both in units of
# the last decimal), and a volume multiplier. Every price is an integer of those units, written
# as literal text, so "67000.0" and "142.70" arrive exactly so.
KLINE_SERIES = {"BTC": (1, 670000, 100, 1), "ETH": (2, 345025, 50, 8), "SOL": (2, 14270, 10, 40),
                "ARB": (4, 8125, 5, 2000)}
CYCLE_OPEN = [0, 20, 5, 15]  # open of each candle of a 4-candle cycle, in steps
CYCLE_MOVE = [20, -15, 10, -5]  # close minus open, in steps (+10 per rising cycle)
CYCLE_VOLUME = [5000, 4205, 6100, 3875]  # tenths
KLINE_COVERAGE = [
    {"symbol": "BTC", "interval": "1h", "earliest": "2025-01-01T00:00:00Z",
     "latest": "2026-04-09T12:00:00Z", "total_candles": 12000},
    {"symbol": "ETH", "interval": "1h", "earliest": "2025-01-01T00:00:00Z",
     "latest": "2026-04-09T12:00:00Z", "total_candles": 12000},
]


def candle(symbol, interval, n):
    """Candle number n (since KLINE_ANCHOR, may be negative), the same whatever range is asked."""
    decimals, base, step, volume = KLINE_SERIES[symbol]
    cycle, phase = divmod(n, 4)
    # 20 cycles up, then 20 down the same way mirrored: a zigzag with no gaps between candles.
    level, sign = (cycle % 40, 1) if cycle % 40 < 20 else (40 - cycle % 40, -1)
    open_ = base + step * (10 * level + sign * CYCLE_OPEN[phase])
    close = open_ + step * sign * CYCLE_MOVE[phase]
    stamp = KLINE_ANCHOR + timedelta(seconds=n * INTERVALS[interval])
    return {"timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "open": decimal_text(open_, decimals),
            "high": decimal_text(max(open_, close) + 30 * step, decimals),
            "low": decimal_text(min(open_, close) - 20 * step, decimals),
            "close": decimal_text(close, decimals),
            "volume": decimal_text(CYCLE_VOLUME[phase] * volume, 1)}


def parse_time(text, name):
    """A date or date-time (contract section 1.5), UTC when it has no offset; None if absent."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid(name + " must be an ISO 8601 date or date-time")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def candle_numbers(start, end, seconds, default_count):
    """Candle numbers from start (rounded up) to before end; default_count when one is absent."""
    def number(moment):
        return -((KLINE_ANCHOR - moment).total_seconds() // seconds)  # ceiling division
    if start is None and end is None:
        first = 0
        stop = first + default_count
    elif end is None:
        first = int(number(start))
        stop = first + default_count
    else:
        stop = int(number(end))
        first = stop - default_count if start is None else int(number(start))
    return range(first, min(stop, first + MAX_CANDLES))


def klines_data(state, request):
    symbol = request.arg("symbol")
    if not symbol:
        raise ApiError(400, "VALIDATION_ERROR", "symbol is required")
    if symbol not in KLINE_SERIES:
        raise ApiError(404, "SYMBOL_NOT_FOUND", "Unknown symbol: " + symbol)
    interval = request.arg("interval") or "1h"
    if interval not in INTERVALS:
        raise invalid("interval must be one of " + ", ".join(INTERVALS))
    numbers = candle_numbers(parse_time(request.arg("start"), "start"),
                             parse_time(request.arg("end"), "end"), INTERVALS[interval], 5)
    return paged(state, request, [candle(symbol, interval, n) for n in numbers])


BACKFILL_LISTED = ("id", "symbol", "interval", "status", "progress_pct")
BACKFILL_STARTED = ("id", "status", "exchange", "environment", "symbol", "period", "started_at",
                    "finished_at", "rows_written")
BACKFILL_PROGRESS = ("id", "status", "progress_pct", "rows_written")
BACKFILL_SCHEMA = [Field("exchange", "name", required=True), Field("symbol", "name", required=True),
                   Field("start", "str"), Field("end", "str"), Field("period", "str"),
                   Field("environment", "str")]
list_backfills = list_items("backfills", BACKFILL_LISTED)


def start_backfill(state, request):
    body = request.json_body()
    validate(body, BACKFILL_SCHEMA, creating=True)
    period = body.get("period") or body.get("interval")
    task = state.backfills.add({
        "status": "running", "exchange": body["exchange"],
        "environment": body.get("environment") or "mainnet", "symbol": body["symbol"],
        "period": period, "started_at": NOW, "finished_at": None, "rows_written": 0,
        "interval": period, "progress_pct": 0.0})
    return Reply.json(202, pick(task, BACKFILL_STARTED))


def backfill_status(state, request):
    task = state.backfills.get(request.params["task_id"])
    # The work is done by the time anyone asks.
    task.update(status="completed", progress_pct=100.0, rows_written=720,
                finished_at=task["finished_at"] or LATER)
    return Reply.json(200, pick(task, BACKFILL_PROGRESS))
