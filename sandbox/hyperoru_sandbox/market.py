"""The simulated market (--market): three symbols on a seeded random walk and three AI traders
that open, close and hold positions and place and cancel limit orders, each decision explained in
a model_chat message.

A deterministic function of the seed and the number of ticks: the market owns its
random.Random(seed) and draws from it in a fixed order (the prices, then each trader in id
order), and with an explicit --seed its clock is simulated too (MARKET_EPOCH + one minute a
tick). Orders are the only thing it shares with the rest of the state: their ids come from the
order collection, so an order created over REST meanwhile shifts later ids.

All money and price arithmetic is in integers: prices and money in hundredths, sizes in units of
the symbol's last size decimal. Texts are written from those integers with fixed digits
("67012.50", "0.010", "-12.35") and go into JSON as number lexemes, never through a float.
Everything here runs under state.lock.
"""

import collections
import json
import random
from datetime import datetime, timedelta, timezone


from .common import Raw, decimal_text


MARKET_INTERVAL = 1.0  # seconds between ticks by default
MARKET_EPOCH = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)  # tick 0 of simulated time
TICK_SECONDS = 60  # simulated time per tick
START_EQUITY = 1000000  # hundredths: 10000.00 for every trader
CURVE_POINTS = 500  # the asset curve keeps the last this many points


class Symbol:
    """A traded symbol: start price and tick size in hundredths, the walk's step in ticks, the
    decimals of a size and the size a trader trades, in units of the last of those decimals."""

    def __init__(self, name, start, tick, step, size_decimals, size):
        self.name, self.start, self.tick, self.step = name, start, tick, step
        self.size_decimals, self.size = size_decimals, size


SYMBOLS = [Symbol("BTC", 6701250, 50, 10, 3, 10),   # 67012.50, tick 0.50, 0.010 BTC
           Symbol("ETH", 345025, 5, 10, 2, 50),     # 3450.25, tick 0.05, 0.50 ETH
           Symbol("SOL", 14270, 1, 5, 2, 1000)]     # 142.70, tick 0.01, 10.00 SOL
SYMBOL_BY_NAME = {s.name: s for s in SYMBOLS}


class Trader:
    def __init__(self, account_id, model, leverage):
        self.account_id, self.model, self.leverage = account_id, model, leverage


# The market's traders: the seeded account 1 and the two accounts market mode adds.
MARKET_TRADERS = [Trader(1, "gpt-4o", 3), Trader(3, "claude-sonnet-4-20250514", 5),
                  Trader(4, "deepseek-chat", 2)]
# Accounts market mode adds to the seeded ones, shaped like them; and every account's exchange.
MARKET_ACCOUNTS = [
    {"id": 3, "user_id": 1, "name": "BTC Momentum", "model": "claude-sonnet-4-20250514",
     "account_type": "prompt", "initial_capital": 10000.0, "current_cash": 10000.0,
     "frozen_cash": 0.0, "is_active": True, "show_on_dashboard": True,
     "hyperliquid_enabled": False, "hyperliquid_environment": "mainnet", "default_leverage": 1,
     "max_leverage": 5},
    {"id": 4, "user_id": 1, "name": "ETH Swing", "model": "deepseek-chat",
     "account_type": "prompt", "initial_capital": 10000.0, "current_cash": 10000.0,
     "frozen_cash": 0.0, "is_active": True, "show_on_dashboard": True,
     "hyperliquid_enabled": True, "hyperliquid_environment": "mainnet", "default_leverage": 1,
     "max_leverage": 3},
]
MARKET_EXCHANGES = {1: "hyperliquid", 2: "hyperliquid", 3: "binance", 4: "hyperliquid"}
MARKET_HYPERLIQUID = {1, 4}  # accounts with hyperliquid_enabled true in market mode

# Per tick, the chance (in percent) that a trader decides anything; a trader that decides
# picks a symbol and, by what it holds there, one of the weighted choices.
DECIDE_PERCENT = 40
WITH_POSITION = [("close", 35), ("hold", 65)]
WITH_ORDER = [("cancel", 40), ("hold", 60)]
FLAT = [("long", 30), ("short", 25), ("limit", 25), ("hold", 20)]


def price_text(hundredths):
    return decimal_text(hundredths, 2).text


money_text = price_text


def size_text(symbol, units):
    return decimal_text(units, symbol.size_decimals).text


def divide_rounded(numerator, denominator):
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def pnl(symbol, side, entry, mark, size):
    """Profit in hundredths of a position of `size` units opened at `entry`, valued at `mark`."""
    sign = 1 if side == "long" else -1
    return divide_rounded(sign * (mark - entry) * size, 10 ** symbol.size_decimals)


class Position:
    def __init__(self, symbol, side, size, entry, leverage, opened):
        self.symbol, self.side, self.size, self.entry = symbol, side, size, entry
        self.leverage, self.opened = leverage, opened

    def liquidation(self):
        """Where the margin (notional / leverage) is gone, on the symbol's tick grid."""
        tick = self.symbol.tick
        if self.side == "long":
            price = self.entry * (self.leverage - 1) // self.leverage
            return price // tick * tick
        price = -(-self.entry * (self.leverage + 1) // self.leverage)
        return -(-price // tick) * tick

    def margin(self):
        return divide_rounded(self.entry * self.size,
                              10 ** self.symbol.size_decimals * self.leverage)


class TraderBook:
    """One trader's side of the market: positions and pending orders per symbol, realised PnL,
    the recorded asset curve."""

    def __init__(self, trader, stamp):
        self.trader = trader
        self.positions = {}  # symbol name -> Position, open ones only
        # symbol name -> (the pending order, shared with state.orders; its limit in hundredths)
        self.orders = {}
        self.realised = 0
        self.curve = collections.deque([(stamp, START_EQUITY)], maxlen=CURVE_POINTS)

    def unrealised(self, prices):
        return sum(pnl(p.symbol, p.side, p.entry, prices[name], p.size)
                   for name, p in self.positions.items())

    def equity(self, prices):
        return START_EQUITY + self.realised + self.unrealised(prices)


class Market:
    """The simulation. tick(orders) advances it one tick and returns the pushes of that tick as
    (channel, JSON text) pairs, in the order they are sent."""

    def __init__(self, seed, simulated_time):
        self.random = random.Random(seed)
        self.simulated_time = simulated_time
        self.ticks = 0
        self.paused = False
        self.sent = 0  # pushes sent out while not paused (market_feed.advance): a client's rate
        self.prices = {s.name: s.start for s in SYMBOLS}
        stamp = self.stamp()
        self.books = {t.account_id: TraderBook(t, stamp) for t in MARKET_TRADERS}

    def stamp(self):
        if self.simulated_time:
            moment = MARKET_EPOCH + timedelta(seconds=TICK_SECONDS * self.ticks)
        else:
            moment = datetime.now(timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def choose(self, weighted):
        roll = self.random.randrange(sum(w for _, w in weighted))
        for choice, weight in weighted:
            if roll < weight:
                return choice
            roll -= weight
        raise AssertionError("unreachable")

    # -- one tick ---------------------------------------------------------------------------------

    def tick(self, orders):
        """Advances one tick. `orders` is the state's order collection: new orders get their ids
        there, and pending ones cancelled or executed over REST are forgotten here."""
        self.ticks += 1
        stamp = self.stamp()
        for symbol in SYMBOLS:
            move = self.random.randint(-3, 3) * symbol.step * symbol.tick
            price = self.prices[symbol.name] + move
            if price < 100 * symbol.tick:  # keep prices positive: reflect off the floor
                price = self.prices[symbol.name] - move
            self.prices[symbol.name] = price
        pushes = {"trades": [], "positions": [], "model_chat": [], "asset_curve": []}
        for account_id in sorted(self.books):
            book = self.books[account_id]
            touched = set()  # symbols whose position was pushed already this tick
            self.fill_orders(book, stamp, pushes, touched)
            if self.random.randrange(100) < DECIDE_PERCENT:
                self.decide(book, orders, stamp, pushes, touched)
            for name in sorted(book.positions):
                if name not in touched:
                    pushes["positions"].append(self.position_text(book, name, stamp))
            equity = book.equity(self.prices)
            book.curve.append((stamp, equity))
            pushes["asset_curve"].append(
                '{"type": "asset_curve", "data": {"account_id": %d, "timestamp": "%s", '
                '"equity": %s, "daily_pnl": %s}}' % (account_id, stamp, money_text(equity),
                                                     money_text(equity - START_EQUITY)))
        return [(channel, text) for channel in ("trades", "positions", "model_chat", "asset_curve")
                for text in pushes[channel]]

    def fill_orders(self, book, stamp, pushes, touched):
        """Pending limit orders the price has crossed are filled at their limit; orders changed
        over REST (cancelled, executed) are no longer the market's."""
        for name in sorted(book.orders):
            order, limit = book.orders[name]
            if order["status"] != "pending":  # cancelled or executed over REST
                del book.orders[name]
                continue
            symbol = SYMBOL_BY_NAME[name]
            crossed = (self.prices[name] <= limit if order["side"] == "buy"
                       else self.prices[name] >= limit)
            if not crossed or name in book.positions:
                continue
            del book.orders[name]
            order["status"] = "executed"
            side = "long" if order["side"] == "buy" else "short"
            book.positions[name] = Position(symbol, side, symbol.size, limit,
                                            book.trader.leverage, stamp)
            pushes["trades"].append(self.trade_text(book, order["id"], symbol, order["side"],
                                                    symbol.size, limit, "filled", stamp))
            pushes["positions"].append(self.position_text(book, name, stamp))
            touched.add(name)

    def decide(self, book, orders, stamp, pushes, touched):
        symbol = SYMBOLS[self.random.randrange(len(SYMBOLS))]
        name, price = symbol.name, self.prices[symbol.name]
        position = book.positions.get(name)
        pending, pending_limit = book.orders.get(name, (None, None))
        if position is not None:
            choice = self.choose(WITH_POSITION)
        elif pending is not None:
            choice = self.choose(WITH_ORDER)
        else:
            choice = self.choose(FLAT)
        step = symbol.step * symbol.tick  # the walk's unit: levels in the texts are multiples
        if choice in ("long", "short"):
            side = "buy" if choice == "long" else "sell"
            order = orders.add({"account_id": book.trader.account_id, "symbol": name,
                                "side": side, "order_type": "market",
                                "quantity": Raw(size_text(symbol, symbol.size)),
                                "status": "executed"})
            book.positions[name] = Position(symbol, choice, symbol.size, price,
                                            book.trader.leverage, stamp)
            pushes["trades"].append(self.trade_text(book, order["id"], symbol, side, symbol.size,
                                                    price, "filled", stamp))
            pushes["positions"].append(self.position_text(book, name, stamp))
            touched.add(name)
            sign = 1 if choice == "long" else -1
            level, stop = price - sign * 2 * step, price - sign * 6 * step
            if choice == "long":
                reasoning = ("%s broke above %s on rising volume; momentum favours a long. "
                             "Risk 1%% of equity with a stop at %s."
                             % (name, price_text(level), price_text(stop)))
            else:
                reasoning = ("%s lost %s and the sellers are in control; a short has the "
                             "better odds. Stop at %s, size %s."
                             % (name, price_text(level), price_text(stop),
                                size_text(symbol, symbol.size)))
            decision = side
        elif choice == "close":
            side = "sell" if position.side == "long" else "buy"
            realised = pnl(symbol, position.side, position.entry, price, position.size)
            book.realised += realised
            del book.positions[name]
            order = orders.add({"account_id": book.trader.account_id, "symbol": name,
                                "side": side, "order_type": "market",
                                "quantity": Raw(size_text(symbol, position.size)),
                                "status": "executed"})
            pushes["trades"].append(self.trade_text(book, order["id"], symbol, side,
                                                    position.size, price, "filled", stamp))
            pushes["positions"].append(
                '{"type": "position", "data": {"account_id": %d, "symbol": "%s", "side": "%s", '
                '"size": %s, "entry_price": %s, "mark_price": %s, "unrealized_pnl": 0.00, '
                '"leverage": %d, "status": "closed", "timestamp": "%s", "realized_pnl": %s}}'
                % (book.trader.account_id, name, position.side, size_text(symbol, 0),
                   price_text(position.entry), price_text(price), position.leverage, stamp,
                   money_text(realised)))
            touched.add(name)
            reasoning = ("%s at %s leaves the %s from %s with a %s of %s. The move has run its "
                         "course; closing the position."
                         % (name, price_text(price), position.side, price_text(position.entry),
                            "profit" if realised >= 0 else "loss", money_text(abs(realised))))
            decision = "close"
        elif choice == "limit":
            side = ("buy", "sell")[self.random.randrange(2)]
            sign = 1 if side == "buy" else -1
            limit = price - sign * 2 * step
            order = orders.add({"account_id": book.trader.account_id, "symbol": name,
                                "side": side, "order_type": "limit",
                                "price": Raw(price_text(limit)),
                                "quantity": Raw(size_text(symbol, symbol.size)),
                                "status": "pending"})
            book.orders[name] = (order, limit)
            reasoning = ("%s is stretched at %s; a limit %s at %s waits for the %s. Size %s, "
                         "cancelled if the trend turns."
                         % (name, price_text(price), side, price_text(limit),
                            "pullback" if side == "buy" else "bounce",
                            size_text(symbol, symbol.size)))
            decision = side
        elif choice == "cancel":
            del book.orders[name]
            pending["status"] = "cancelled"
            pushes["trades"].append(self.trade_text(
                book, pending["id"], symbol, pending["side"], symbol.size,
                pending_limit, "cancelled", stamp))
            reasoning = ("%s has moved to %s, away from the limit %s at %s; the order is stale. "
                         "Cancelling it and reassessing on the next bar."
                         % (name, price_text(price), pending["side"],
                            price_text(pending_limit)))
            decision = "hold"
        else:
            low, high = price - 3 * step, price + 3 * step
            if position is not None:
                reasoning = ("%s at %s keeps the %s from %s at %s unrealised. Nothing has "
                             "changed the thesis; holding."
                             % (name, price_text(price), position.side,
                                price_text(position.entry),
                                money_text(pnl(symbol, position.side, position.entry, price,
                                               position.size))))
            else:
                reasoning = ("%s is ranging between %s and %s; no edge either way. Waiting for "
                             "a break of the range." % (name, price_text(low), price_text(high)))
            decision = "hold"
        pushes["model_chat"].append(
            '{"type": "model_chat", "data": {"account_id": %d, "model": "%s", "symbol": "%s", '
            '"decision": "%s", "reasoning": %s, "timestamp": "%s"}}'
            % (book.trader.account_id, book.trader.model, name, decision, json.dumps(reasoning),
               stamp))

    # -- texts -------------------------------------------------------------------------------------

    def trade_text(self, book, order_id, symbol, side, size, price, status, stamp):
        return ('{"type": "trade", "data": {"account_id": %d, "order_id": %d, "symbol": "%s", '
                '"side": "%s", "quantity": %s, "price": %s, "status": "%s", "timestamp": "%s"}}'
                % (book.trader.account_id, order_id, symbol.name, side, size_text(symbol, size),
                   price_text(price), status, stamp))

    def position_text(self, book, name, stamp):
        p, mark = book.positions[name], self.prices[name]
        return ('{"type": "position", "data": {"account_id": %d, "symbol": "%s", "side": "%s", '
                '"size": %s, "entry_price": %s, "mark_price": %s, "unrealized_pnl": %s, '
                '"leverage": %d, "status": "open", "timestamp": "%s"}}'
                % (book.trader.account_id, name, p.side, size_text(p.symbol, p.size),
                   price_text(p.entry), price_text(mark),
                   money_text(pnl(p.symbol, p.side, p.entry, mark, p.size)), p.leverage, stamp))

    # -- what REST and the WebSocket requests show -------------------------------------------------

    def positions_json(self, account_id, with_account=False):
        """The open positions of a trader as JSON texts, in the REST positions shape."""
        book = self.books[account_id]
        texts = []
        for name in sorted(book.positions):
            p, mark = book.positions[name], self.prices[name]
            head = '{"account_id": %d, ' % account_id if with_account else "{"
            texts.append(
                head + '"symbol": "%s", "side": "%s", "size": %s, "entry_price": %s, '
                '"mark_price": %s, "leverage": %d, "liquidation_price": %s, '
                '"unrealized_pnl": %s}'
                % (name, p.side, size_text(p.symbol, p.size), price_text(p.entry),
                   price_text(mark), p.leverage, price_text(p.liquidation()),
                   money_text(pnl(p.symbol, p.side, p.entry, mark, p.size))))
        return texts

    def positions_reply(self, account_id):
        book = self.books[account_id]
        texts = self.positions_json(account_id)
        return ('{"positions": [%s], "total_count": %d, "total_unrealized_pnl": %s}'
                % (", ".join(texts), len(texts), money_text(book.unrealised(self.prices))))

    def balance(self, account_id, exchange):
        """The REST balance of a trader: equity, the margin of its positions (notional over
        leverage) and what is left of the equity beside it."""
        book = self.books[account_id]
        equity = book.equity(self.prices)
        margin = sum(p.margin() for p in book.positions.values())
        return {"available": Raw(money_text(equity - margin)), "environment": "mainnet",
                "exchange": exchange, "total_equity": Raw(money_text(equity)),
                "margin_used": Raw(money_text(margin)),
                "unrealized_pnl": Raw(money_text(book.unrealised(self.prices)))}

    def snapshot_reply(self, account_id):
        return ('{"equity": %s, "positions": [%s]}'
                % (money_text(self.books[account_id].equity(self.prices)),
                   ", ".join(self.positions_json(account_id))))

    def curve_reply(self, account_id):
        points = ", ".join('{"timestamp": "%s", "equity": %s}' % (stamp, money_text(equity))
                           for stamp, equity in self.books[account_id].curve)
        return ('{"account_id": %d, "timeframe": "7d", "points": [%s]}' % (account_id, points))

    def state_reply(self):
        prices = ", ".join('"%s": %s' % (s.name, price_text(self.prices[s.name]))
                           for s in SYMBOLS)
        return ('{"tick": %d, "paused": %s, "sent": %d, "prices": {%s}}'
                % (self.ticks, "true" if self.paused else "false", self.sent, prices))
