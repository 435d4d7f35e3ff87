"""The market alone (market.py): determinism, exact decimals, the order of a tick's pushes."""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hyperoru_sandbox.common import Collection  # noqa: E402
from hyperoru_sandbox.market import (SYMBOL_BY_NAME, Market, money_text, pnl,  # noqa: E402
                                     price_text, size_text)

CHANNEL_OF = {"trade": "trades", "position": "positions", "model_chat": "model_chat",
              "asset_curve": "asset_curve"}
SIZE_DECIMALS = {"BTC": 3, "ETH": 2, "SOL": 2}


def run(seed, ticks, simulated_time=True):
    market = Market(seed, simulated_time)
    orders = Collection("Order", "ORDER_NOT_FOUND", [], 42)
    pushes = [market.tick(orders) for _ in range(ticks)]
    return market, orders, pushes


def lexemes(text):
    """The JSON value with every number kept as its text."""
    return json.loads(text, parse_float=str, parse_int=str)


class Decimals(unittest.TestCase):
    def test_prices_sizes_and_money_have_fixed_digits(self):
        self.assertEqual(price_text(6701250), "67012.50")
        self.assertEqual(price_text(14270), "142.70")
        self.assertEqual(price_text(5), "0.05")
        self.assertEqual(size_text(SYMBOL_BY_NAME["BTC"], 10), "0.010")
        self.assertEqual(size_text(SYMBOL_BY_NAME["BTC"], 0), "0.000")
        self.assertEqual(size_text(SYMBOL_BY_NAME["ETH"], 50), "0.50")
        self.assertEqual(size_text(SYMBOL_BY_NAME["SOL"], 1000), "10.00")
        self.assertEqual(money_text(-1235), "-12.35")
        self.assertEqual(money_text(-5), "-0.05")
        self.assertEqual(money_text(0), "0.00")

    def test_pnl_is_integer_hundredths_rounded_half_away_from_zero(self):
        btc = SYMBOL_BY_NAME["BTC"]
        # 0.010 BTC from 67012.50 to 67020.00: 0.075, shown as 0.08 (and -0.08 for a short).
        self.assertEqual(pnl(btc, "long", 6701250, 6702000, 10), 8)
        self.assertEqual(pnl(btc, "short", 6701250, 6702000, 10), -8)
        self.assertEqual(pnl(SYMBOL_BY_NAME["SOL"], "long", 14260, 14270, 1000), 100)

    def test_every_number_of_every_push_is_an_exact_fixed_lexeme(self):
        _, _, ticks = run(3, 300)
        for pushes in ticks:
            for channel, text in pushes:
                data = lexemes(text)["data"]
                for key in ("price", "entry_price", "mark_price", "equity", "daily_pnl",
                            "unrealized_pnl", "realized_pnl"):
                    if key in data:
                        self.assertRegex(data[key], r"\A-?[0-9]+\.[0-9]{2}\Z", text)
                for key in ("size", "quantity"):
                    if key in data:
                        self.assertRegex(data[key], r"\A[0-9]+\.[0-9]{%d}\Z"
                                         % SIZE_DECIMALS[data["symbol"]], text)
                self.assertTrue(float(data.get("price", "1")) > 0)


class Determinism(unittest.TestCase):
    def test_the_same_seed_gives_the_same_pushes_and_state(self):
        a, a_orders, a_pushes = run(7, 200)
        b, b_orders, b_pushes = run(7, 200)
        self.assertEqual(a_pushes, b_pushes)
        self.assertEqual(json.dumps(a_orders.items, default=lambda raw: raw.text),
                         json.dumps(b_orders.items, default=lambda raw: raw.text))
        for account_id in (1, 3, 4):
            self.assertEqual(a.positions_reply(account_id), b.positions_reply(account_id))
            self.assertEqual(a.curve_reply(account_id), b.curve_reply(account_id))

    def test_another_seed_gives_another_market(self):
        _, _, a_pushes = run(7, 50)
        _, _, b_pushes = run(8, 50)
        self.assertNotEqual(a_pushes, b_pushes)

    def test_simulated_time_is_a_minute_a_tick_from_the_epoch(self):
        market, _, ticks = run(7, 2)
        self.assertEqual(lexemes(ticks[0][-1][1])["data"]["timestamp"], "2026-01-05T09:31:00Z")
        self.assertEqual(lexemes(ticks[1][-1][1])["data"]["timestamp"], "2026-01-05T09:32:00Z")
        self.assertEqual(market.ticks, 2)

    def test_wall_clock_time_without_an_explicit_seed(self):
        _, _, ticks = run(7, 1, simulated_time=False)
        stamp = lexemes(ticks[0][-1][1])["data"]["timestamp"]
        self.assertRegex(stamp, r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
        self.assertNotEqual(stamp[:10], "2026-01-05")


class Ticks(unittest.TestCase):
    def test_a_tick_pushes_trades_positions_chats_curves_each_in_trader_order(self):
        _, _, ticks = run(11, 300)
        rank = ["trades", "positions", "model_chat", "asset_curve"]
        for pushes in ticks:
            keys = [(rank.index(channel), lexemes(text)["data"]["account_id"])
                    for channel, text in pushes]
            self.assertEqual(keys, sorted(keys))
            for channel, text in pushes:
                self.assertEqual(CHANNEL_OF[lexemes(text)["type"]], channel)
            curves = [text for channel, text in pushes if channel == "asset_curve"]
            self.assertEqual([lexemes(t)["data"]["account_id"] for t in curves], ["1", "3", "4"])

    def test_equity_is_start_plus_realised_plus_unrealised(self):
        market, _, ticks = run(5, 400)
        for account_id, book in market.books.items():
            last = [lexemes(t)["data"] for _, t in ticks[-1]
                    if t.startswith('{"type": "asset_curve"')
                    and lexemes(t)["data"]["account_id"] == str(account_id)][0]
            equity = 1000000 + book.realised + book.unrealised(market.prices)
            self.assertEqual(last["equity"], money_text(equity))
            self.assertEqual(last["daily_pnl"], money_text(equity - 1000000))

    def test_traders_open_close_and_place_and_cancel_orders(self):
        _, orders, ticks = run(7, 400)
        statuses = {(o["order_type"], o["status"]) for o in orders.items}
        self.assertTrue({("market", "executed"), ("limit", "cancelled")} <= statuses, statuses)
        texts = [t for pushes in ticks for _, t in pushes]
        self.assertTrue(any('"status": "closed"' in t and '"realized_pnl": ' in t for t in texts))
        self.assertTrue(any('"decision": "close"' in t for t in texts))
        self.assertTrue(any('"decision": "hold"' in t for t in texts))

    def test_the_asset_curve_keeps_the_last_500_points(self):
        market, _, _ = run(7, 600)
        points = lexemes(market.curve_reply(1))["points"]
        self.assertEqual(len(points), 500)
        self.assertEqual(points[-1]["timestamp"], "2026-01-05T19:30:00Z")  # tick 600

    def test_before_any_tick_the_curve_is_one_point_of_10000(self):
        market = Market(1, True)
        self.assertEqual(market.curve_reply(3), '{"account_id": 3, "timeframe": "7d", "points": '
                                                '[{"timestamp": "2026-01-05T09:30:00Z", '
                                                '"equity": 10000.00}]}')


if __name__ == "__main__":
    unittest.main()
