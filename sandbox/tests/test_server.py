"""The sandbox as a server, in this process on 127.0.0.1 port 0: the market over REST and the
WebSocket, its control endpoints, and the outputs without it (what the test suites rely on)."""

import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from client import WsClient, http  # noqa: E402
from hyperoru_sandbox.cli import make_server, parse_options, start_pushers  # noqa: E402
from hyperoru_sandbox.common import Collection  # noqa: E402
from hyperoru_sandbox.market import Market  # noqa: E402

ALL_CHANNELS = ["trades", "positions", "model_chat", "asset_curve"]


class Sandbox:
    """A sandbox serving on a thread of this process."""

    def __init__(self, *args):
        self.server = make_server(parse_options(["--test-defaults", "--quiet", *args]))
        self.port = self.server.server_address[1]
        start_pushers(self.server)  # daemon threads; with the defaults here, none
        # A short poll interval: shutdown() waits for serve_forever to look up.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,),
                                       daemon=True)
        self.thread.start()

    def get(self, path):
        status, body = http(self.port, "GET", path)
        assert status == 200, (path, status, body)
        return body

    def post(self, path, body=None):
        return http(self.port, "POST", path, {} if body is None else body)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def lexemes(text):
    return json.loads(text, parse_float=str, parse_int=str)


def subscribed(sandbox, channels=ALL_CHANNELS):
    ws = WsClient(sandbox.port)
    reply = ws.request({"type": "subscribe", "data": {"channels": channels}})
    assert reply.startswith('{"type": "subscribed"'), reply
    return ws


def pushes_until_reply(ws):
    """The pushes queued before now: a request's reply comes after everything queued before it."""
    ws.send({"type": "subscribe", "request_id": "fence", "data": {"channels": []}})
    texts = []
    while True:
        text = ws.recv()
        if '"request_id": "fence"' in text:
            return texts
        texts.append(text)


class WithoutTheMarket(unittest.TestCase):
    """--test-defaults: the outputs the C++ suites compare byte for byte are unchanged."""

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()

    def test_rest_answers_as_before(self):
        self.assertEqual(lexemes(self.sandbox.get("/api/account/list"))[0]["name"], "Main Account")
        self.assertEqual(len(lexemes(self.sandbox.get("/api/account/list"))), 1)
        self.assertNotIn('"exchange"', self.sandbox.get("/api/account/list?include_hidden=true"))
        self.assertEqual(self.sandbox.get("/api/hyperliquid/accounts/1/balance"),
                         '{"available": 9876.54, "environment": "mainnet", "exchange": '
                         '"hyperliquid", "total_equity": 12345.67, "margin_used": 1500, '
                         '"unrealized_pnl": 0.05}')
        self.assertIn('"total_unrealized_pnl": 135.625}',
                      self.sandbox.get("/api/hyperliquid/accounts/1/positions"))
        self.assertEqual(self.sandbox.get("/api/orders/account/1"), "[]")

    def test_websocket_answers_as_before(self):
        ws = WsClient(self.sandbox.port)
        self.assertEqual(ws.request({"type": "bootstrap"}),
                         '{"type": "bootstrap", "data": {"accounts": [{"id": 1, "name": '
                         '"Main Account"}], "positions": [], "active_orders": []}}')
        self.assertEqual(ws.request({"type": "get_snapshot", "data": {"account_id": 1}}),
                         '{"type": "snapshot", "data": {"equity": 10000.0, "positions": '
                         '[{"symbol": "BTC", "side": "long", "size": 0.05, '
                         '"unrealized_pnl": 75.0}]}}')
        ws.close()

    def test_control_pushes_reach_the_connection(self):
        ws = WsClient(self.sandbox.port)
        status, _ = self.sandbox.post("/__standin/ws/push", {"messages": ["{\"a\": 1.50}"]})
        self.assertEqual(status, 200)
        self.assertEqual(ws.recv(), '{"a": 1.50}')
        self.sandbox.post("/__standin/ws/push-many", {"count": 2})
        self.assertIn('"seq": 1,', ws.recv())
        self.assertIn('"seq": 2,', ws.recv())
        ws.close()

    def test_the_market_controls_say_it_is_off(self):
        status, body = http(self.sandbox.port, "GET", "/__standin/market")
        self.assertEqual((status, body), (400, '{"error": "the market is off (start the sandbox '
                                               'with --market)"}'))
        self.assertEqual(self.sandbox.post("/__standin/market/tick")[0], 400)


class DemoPusher(unittest.TestCase):
    def test_without_the_market_the_demo_pushes_asset_curve_as_before(self):
        sandbox = Sandbox("--demo", "--ws-demo-interval", "0.01")
        self.addCleanup(sandbox.stop)
        ws = subscribed(sandbox, ["asset_curve"])
        push = ws.recv()  # the first push, whenever it comes
        self.assertRegex(push, r'\A\{"type": "asset_curve", "data": \{"account_id": 1, '
                               r'"timestamp": "[0-9T:Z-]{20}", "equity": 10012\.50, '
                               r'"daily_pnl": 12\.50\}\}\Z')
        ws.close()


class WithTheMarket(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--market", "--seed", "7", "--market-interval", "0")
        self.addCleanup(self.sandbox.stop)

    def test_pushes_are_the_markets_in_order_and_numbers_exactly(self):
        ws = subscribed(self.sandbox)
        self.assertEqual(self.sandbox.post("/__standin/market/tick", {"count": 5}),
                         (200, '{"tick": 5}'))
        expected_market = Market(7, True)
        orders = Collection("Order", "ORDER_NOT_FOUND", [], 42)
        expected = [text for _ in range(5) for _, text in expected_market.tick(orders)]
        self.assertEqual(pushes_until_reply(ws), expected)
        ws.close()

    def test_a_tick_can_list_the_pushes_it_sent(self):
        ws = subscribed(self.sandbox)
        status, body = self.sandbox.post("/__standin/market/tick", {"count": 2, "pushes": True})
        self.assertEqual(status, 200)
        sent = pushes_until_reply(ws)
        self.assertEqual(body, '{"tick": 2, "pushes": [' + ", ".join(sent) + "]}")
        self.assertEqual(lexemes(self.sandbox.get("/__standin/market"))["sent"], str(len(sent)))
        self.assertEqual(self.sandbox.post("/__standin/market/tick", {"pushes": 1})[0], 400)
        ws.close()

    def test_only_subscribed_channels_are_pushed(self):
        ws = subscribed(self.sandbox, ["asset_curve"])
        self.sandbox.post("/__standin/market/tick", {"count": 3})
        pushes = pushes_until_reply(ws)
        self.assertEqual(len(pushes), 9)
        self.assertTrue(all(p.startswith('{"type": "asset_curve", "data": {"account_id": ')
                            for p in pushes))
        ws.close()

    def test_rest_positions_are_the_last_position_pushes(self):
        ws = subscribed(self.sandbox, ["positions"])
        self.sandbox.post("/__standin/market/tick", {"count": 60})
        last = {}
        for text in pushes_until_reply(ws):
            data = lexemes(text)["data"]
            last[(data["account_id"], data["symbol"])] = data
        opened = 0
        for account_id in ("1", "3", "4"):
            reply = lexemes(self.sandbox.get("/api/hyperliquid/accounts/%s/positions" % account_id))
            rest = {p["symbol"]: p for p in reply["positions"]}
            pushed = {symbol: data for (owner, symbol), data in last.items()
                      if owner == account_id and data["status"] == "open"}
            self.assertEqual(sorted(rest), sorted(pushed))
            self.assertEqual(reply["total_count"], str(len(rest)))
            for symbol, position in rest.items():
                for key in ("side", "size", "entry_price", "mark_price", "unrealized_pnl",
                            "leverage"):
                    self.assertEqual(position[key], pushed[symbol][key], (account_id, key))
            opened += len(rest)
            balance = lexemes(self.sandbox.get("/api/hyperliquid/accounts/%s/balance"
                                               % account_id))
            self.assertEqual(balance["exchange"], "binance" if account_id == "3" else "hyperliquid")
        self.assertGreater(opened, 0)
        ws.close()

    def test_pending_limit_orders_are_on_the_orders_routes_and_in_bootstrap(self):
        self.sandbox.post("/__standin/market/tick", {"count": 40})
        ws = WsClient(self.sandbox.port)
        bootstrap = lexemes(ws.request({"type": "bootstrap"}))["data"]
        self.assertEqual([a["id"] for a in bootstrap["accounts"]], ["1", "3", "4"])
        pending = lexemes(self.sandbox.get("/api/orders/pending"))
        self.assertEqual(bootstrap["active_orders"], pending)
        self.assertTrue(pending, "the market placed no limit order in 40 ticks")
        for order in pending:
            self.assertEqual((order["order_type"], order["status"]), ("limit", "pending"))
            listed = lexemes(self.sandbox.get("/api/orders/account/%s" % order["account_id"]))
            self.assertIn(order, listed)
        positions = []
        for account_id in ("1", "3", "4"):
            reply = lexemes(self.sandbox.get("/api/hyperliquid/accounts/%s/positions" % account_id))
            positions += [{"account_id": account_id, **p} for p in reply["positions"]]
        self.assertEqual(bootstrap["positions"], positions)
        snapshot = lexemes(ws.request({"type": "get_snapshot", "data": {"account_id": 1}}))
        self.assertEqual(snapshot["data"]["positions"],
                         [{k: v for k, v in p.items() if k != "account_id"}
                          for p in positions if p["account_id"] == "1"])
        curve = lexemes(ws.request({"type": "get_asset_curve", "data": {"account_id": 4}}))
        self.assertEqual(len(curve["data"]["points"]), 41)
        ws.close()

    def test_pause_silences_the_pushes_and_resume_brings_them_back(self):
        ws = subscribed(self.sandbox)
        self.assertEqual(lexemes(self.sandbox.post("/__standin/market/pause")[1])["paused"], True)
        self.assertEqual(self.sandbox.post("/__standin/market/tick", {"count": 2})[1],
                         '{"tick": 2}')
        self.assertEqual(pushes_until_reply(ws), [])
        state = lexemes(self.sandbox.get("/__standin/market"))
        self.assertEqual((state["tick"], state["paused"]), ("2", True))
        self.sandbox.post("/__standin/market/resume")
        self.sandbox.post("/__standin/market/tick")
        pushes = pushes_until_reply(ws)
        self.assertTrue(pushes)
        self.assertIn('"timestamp": "2026-01-05T09:33:00Z"', pushes[-1])
        ws.close()

    def test_a_dropped_connection_can_reconnect_and_gets_pushes_again(self):
        ws = subscribed(self.sandbox)
        self.assertEqual(self.sandbox.post("/__standin/ws/drop")[0], 200)
        with self.assertRaises(EOFError):
            while True:
                ws.recv()
        ws.close()
        again = subscribed(self.sandbox, ["asset_curve"])
        self.sandbox.post("/__standin/market/tick")
        self.assertEqual(len(pushes_until_reply(again)), 3)
        again.close()

    def test_a_reset_starts_the_market_again(self):
        self.sandbox.post("/__standin/market/tick", {"count": 7})
        self.sandbox.post("/__standin/reset")
        self.assertEqual(self.sandbox.get("/__standin/market"),
                         '{"tick": 0, "paused": false, "sent": 0, "prices": {"BTC": 67012.50, '
                         '"ETH": 3450.25, "SOL": 142.70}}')
        self.assertEqual(self.sandbox.get("/api/orders/account/1"), "[]")

    def test_accounts_in_market_mode(self):
        accounts = lexemes(self.sandbox.get("/api/account/list?include_hidden=true"))
        self.assertEqual([(a["id"], a["name"], a["exchange"]) for a in accounts],
                         [("1", "Main Account", "hyperliquid"),
                          ("2", "Hidden Scalper", "hyperliquid"),
                          ("3", "BTC Momentum", "binance"), ("4", "ETH Swing", "hyperliquid")])
        self.assertEqual([a["hyperliquid_enabled"] for a in accounts], [True, False, False, True])
        self.assertEqual([a["model"] for a in accounts][2:],
                         ["claude-sonnet-4-20250514", "deepseek-chat"])

    def test_an_order_cancelled_over_rest_is_no_longer_the_markets(self):
        self.sandbox.post("/__standin/market/tick", {"count": 40})
        order = lexemes(self.sandbox.get("/api/orders/pending"))[0]
        self.assertEqual(self.sandbox.post("/api/orders/cancel/%s" % order["id"])[0], 200)
        ws = subscribed(self.sandbox, ["trades"])
        self.sandbox.post("/__standin/market/tick", {"count": 100})
        trades = [lexemes(t)["data"] for t in pushes_until_reply(ws)]
        self.assertNotIn(order["id"], [t["order_id"] for t in trades])
        listed = lexemes(self.sandbox.get("/api/orders/account/%s" % order["account_id"]))
        self.assertEqual([o["status"] for o in listed if o["id"] == order["id"]], ["cancelled"])
        ws.close()

    def test_bad_tick_counts_are_refused(self):
        for body in ({"count": -1}, {"count": "3"}, {"count": True}):
            self.assertEqual(self.sandbox.post("/__standin/market/tick", body)[0], 400)


if __name__ == "__main__":
    unittest.main()
