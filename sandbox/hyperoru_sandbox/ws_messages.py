"""The WebSocket messages (contract sections 3.2 to 3.5) and the demo pusher."""

import json
import signal
import time
from datetime import datetime, timezone

from .accounts import live_account
from .common import ApiError, Raw, Request, decimal_text, dump, invalid, is_id
from .market_feed import MARKET_USER, market_of
from .orders import create_order
from .websocket import (WS_BOOTSTRAP_HEAD, WS_CURVE_TIMES, WS_MAIN_CURVE, WS_MAIN_SNAPSHOT,
    WS_NOT_AUTHENTICATED, WS_TEXT, WsUnauthorized, ws_frame)


# -- messages (contract sections 3.2 to 3.5); they run under state.lock ----------------------------

def ws_envelope(kind, message, data):
    """{"type", "request_id" (echoed when the request had one), "data"}; data is JSON text."""
    text = '{"type": ' + json.dumps(kind)
    if isinstance(message, dict) and "request_id" in message:
        text += ', "request_id": ' + dump(message["request_id"])
    return text + ', "data": ' + data + "}"


def ws_error(message, text, code):
    return ws_envelope("error", message, dump({"error": text, "code": code}))


def ws_answer(state, connection, text):
    """([reply texts], (close code, reason) or None) for one text message."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        message = None
        failure = ("invalid JSON", "INVALID_JSON")
    else:
        failure = None if isinstance(message, dict) else (
            "message must be a JSON object", "INVALID_MESSAGE")
    kind = message.get("type") if failure is None else None
    if not connection.authenticated and kind != "connect":
        return [WS_NOT_AUTHENTICATED], (4401, "unauthorized")
    if failure is not None:
        return [ws_error(None, *failure)], None
    if not isinstance(kind, str) or not kind:
        return [ws_error(message, "type is required", "INVALID_MESSAGE")], None
    handler = WS_HANDLERS.get(kind)
    if handler is None:
        return [ws_error(message, "unknown message type: " + kind, "UNKNOWN_TYPE")], None
    data = message.get("data")
    data = {} if data is None else data
    try:
        if not isinstance(data, dict):
            raise invalid("data must be an object")
        reply_kind, reply_data = handler(state, connection, data)
    except WsUnauthorized:
        return [WS_NOT_AUTHENTICATED], (4401, "unauthorized")
    except ApiError as e:
        return [ws_error(message, e.message, e.code)], None
    return [ws_envelope(reply_kind, message, reply_data)], None


def ws_id(data, name):
    value = data.get(name)
    if value is None:
        raise invalid(name + " is required")
    if not is_id(value):
        raise invalid(name + " must be an integer or a string id")
    return value


def ws_connect(state, connection, data):
    token = data.get("session_token")
    if not isinstance(token, str) or token not in state.tokens:
        raise WsUnauthorized()
    connection.authenticated, connection.user_id = True, state.tokens[token]
    return "connected", dump({"user_id": connection.user_id})


def ws_bootstrap(state, connection, data):
    # "Active orders" (contract section 3.3): the pending ones on the user's traders, as the
    # order routes show them; none (the seeded state) gives the documented example exactly.
    owned = {a["id"] for a in state.accounts.items if a["user_id"] == connection.user_id}
    active = [o for o in state.orders.items if o["status"] == "pending" and o["account_id"] in owned]
    market = market_of(state)
    if market is None:
        return "bootstrap", WS_BOOTSTRAP_HEAD + dump(active) + "}"
    # With the market: the user's accounts as GET /api/account/list shows them, and the open
    # positions of its traders, each naming its account.
    accounts = [a for a in state.accounts.items
                if a["user_id"] == connection.user_id and a["show_on_dashboard"]]
    positions = []
    if connection.user_id == MARKET_USER:
        for account_id in sorted(market.books):
            positions += market.positions_json(account_id, with_account=True)
    return "bootstrap", ('{"accounts": ' + dump(accounts) + ', "positions": [' +
                         ", ".join(positions) + '], "active_orders": ' + dump(active) + "}")


def ws_subscribe(state, connection, data):
    channels = data.get("channels")
    if channels is None:
        raise invalid("channels is required")
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise invalid("channels must be an array of strings")
    # Repeated calls add to the set (contract section 3.3); the reply lists the union so far.
    connection.channels += [c for c in dict.fromkeys(channels) if c not in connection.channels]
    return "subscribed", dump({"channels": connection.channels})


def ws_switch_user(state, connection, data):
    user = state.users.get(ws_id(data, "user_id"))
    connection.user_id = user["id"]
    return "user_switched", dump({"user_id": user["id"]})


def ws_switch_account(state, connection, data):
    account = live_account(state, ws_id(data, "account_id"))
    connection.account_id = account["id"]
    return "account_switched", dump({"account_id": account["id"]})


def ws_snapshot(state, connection, data):
    account = live_account(state, ws_id(data, "account_id"))
    market = market_of(state, account["id"])
    if market is not None:
        return "snapshot", market.snapshot_reply(account["id"])
    if account["id"] == 1:
        return "snapshot", WS_MAIN_SNAPSHOT
    return "snapshot", dump({"equity": float(account.get("current_cash", 0.0)), "positions": []})


def ws_asset_curve(state, connection, data):
    account = live_account(state, ws_id(data, "account_id"))
    timeframe = data.get("timeframe", "7d")
    if timeframe != "7d":  # the only documented timeframe
        raise invalid("timeframe must be 7d")
    market = market_of(state, account["id"])
    if market is not None:  # the market's recorded equity, the last CURVE_POINTS points
        return "asset_curve", market.curve_reply(account["id"])
    equities = (WS_MAIN_CURVE if account["id"] == 1 else
                [json.dumps(float(account.get("current_cash", 0.0)))] * len(WS_CURVE_TIMES))
    points = [{"timestamp": t, "equity": Raw(e)} for t, e in zip(WS_CURVE_TIMES, equities)]
    return "asset_curve", dump({"account_id": account["id"], "timeframe": timeframe,
                                "points": points})


def ws_place_order(state, connection, data):
    # The same fields and checks as POST /api/orders/create (contract section 3.3, client rule).
    request = Request("POST", "/api/orders/create", "", {"Content-Type": "application/json"},
                      json.dumps(data).encode())
    return "order_placed", create_order(state, request).body.decode()


WS_HANDLERS = {
    "connect": ws_connect, "bootstrap": ws_bootstrap, "subscribe": ws_subscribe,
    "switch_user": ws_switch_user, "switch_account": ws_switch_account,
    "get_snapshot": ws_snapshot, "get_asset_curve": ws_asset_curve, "place_order": ws_place_order,
}


def cash_hundredths(account):
    """The account's current cash in hundredths; 0 when it is not a number (PUT takes any)."""
    try:
        return round(float(account.get("current_cash") or 0) * 100)
    except (TypeError, ValueError, OverflowError):
        return 0


def ws_demo_pusher(state, interval):
    """--ws-demo-interval (3 s in demo mode): every `interval` seconds, an asset_curve push
    ("equity and daily PnL updates", contract section 3.4) to each authenticated connection
    subscribed to asset_curve, for the account it is switched to (switch_account; account 1 by
    default). The n-th push to a connection carries equity base + 12.50 n and daily_pnl 12.50 n,
    where the base is the snapshot's equity (10000.0 for account 1, else the current cash), and
    the current UTC time. Push messages have no request_id (contract section 3.5)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    while True:
        time.sleep(interval)  # the pace of the demo itself, not a synchronisation
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        pushes = []
        with state.lock:  # lock order: state.lock, then hub.lock (see above)
            with state.ws.lock:
                connections = [state.ws.connections[n] for n in sorted(state.ws.connections)]
            for connection in connections:
                if not connection.authenticated or "asset_curve" not in connection.channels:
                    continue
                account = state.accounts.find(connection.account_id)
                if account is None or account["id"] in state.deleted_accounts:
                    continue
                connection.demo_pushes += 1
                base = 1000000 if account["id"] == 1 else cash_hundredths(account)
                step = 1250 * connection.demo_pushes  # hundredths: "10012.50", exact lexemes
                text = ('{"type": "asset_curve", "data": {"account_id": %s, "timestamp": "%s", '
                        '"equity": %s, "daily_pnl": %s}}' % (
                            dump(account["id"]), stamp, decimal_text(base + step, 2).text,
                            decimal_text(step, 2).text))
                pushes.append((connection, ws_frame(WS_TEXT, text.encode())))
        for connection, frame in pushes:
            connection.post(frame)
