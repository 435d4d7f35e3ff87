"""The market on the wire: its ticker thread, the delivery of each tick's pushes to the
WebSocket connections, and its control endpoints (/__standin/market*).

Pushes go to every authenticated connection of the traders' user (user 1) subscribed to the
push's channel, for all of the user's traders (each message names its account_id), without a
request_id (contract section 3.5). They are queued on the connections under state.lock, in the
order the market made them, so two ticks never interleave and a control tick's pushes are all
queued before its reply is written.
"""

import signal
import time

from .common import ControlError, Reply, control_object
from .market import MARKET_EXCHANGES
from .websocket import WS_TEXT, ws_frame


MARKET_USER = 1  # the user whose traders the market trades for
MAX_TICKS = 100000  # per POST /__standin/market/tick
MAX_LAG = 1.0  # seconds: a ticker further behind than this skips ahead rather than bursting


def market_of(state, account_id=None):
    """The market (or None when it is off); with an account id, None unless it trades for it."""
    market = state.market
    if market is None or account_id is None:
        return market
    return market if account_id in market.books else None


def account_exchange(account):
    return MARKET_EXCHANGES.get(account["id"], "hyperliquid")


def advance(state, count):
    """Runs `count` ticks and queues their pushes (none while paused); under state.lock. Returns
    the texts of the pushes sent, in order."""
    market = state.market
    sent = []
    for _ in range(count):
        pushes = market.tick(state.orders)
        if not market.paused:
            deliver(state, pushes)
            sent.extend(text for _, text in pushes)
            market.sent += len(pushes)
    return sent


def deliver(state, pushes):
    with state.ws.lock:  # lock order: state.lock, then hub.lock, then a connection's lock
        connections = [state.ws.connections[n] for n in sorted(state.ws.connections)]
    listeners = [c for c in connections if c.authenticated and c.user_id == MARKET_USER]
    if not listeners:
        return
    frames = [(channel, ws_frame(WS_TEXT, text.encode())) for channel, text in pushes]
    for connection in listeners:
        blob = b"".join(frame for channel, frame in frames if channel in connection.channels)
        if blob:
            connection.post(blob)


def market_ticker(state, interval):
    """--market-interval: a tick every `interval` seconds, on deadlines (each one the previous
    plus the interval), so the pace holds however long a tick takes; paused, it ticks not at all.
    A ticker more than MAX_LAG behind (a stopped process, a slow machine) skips the missed ticks
    instead of running them back to back."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    deadline = time.monotonic() + interval
    while True:
        delay = deadline - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # the pace of the market itself, not a synchronisation
        with state.lock:
            market = state.market  # a reset replaces it
            if not market.paused:
                advance(state, 1)
        deadline += interval
        now = time.monotonic()
        if now - deadline > MAX_LAG:
            deadline = now


# -- control endpoints (under state.lock, like the other state controls) -------------------------

def running_market(state):
    market = state.market
    if market is None:
        raise ControlError("the market is off (start the sandbox with --market)")
    return market


def control_market_tick(state, request):
    """{"count": n} (default 1): n ticks now, their pushes queued before the reply. With
    "pushes": true the reply also lists the pushes sent, each as the very text of its frame, so a
    test can compare what a client shows with what the market said."""
    market = running_market(state)
    spec = control_object(request) if request.body.strip() else {}
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_TICKS:
        raise ControlError("count must be an integer from 0 to %d" % MAX_TICKS)
    listed = spec.get("pushes", False)
    if not isinstance(listed, bool):
        raise ControlError("pushes must be true or false")
    sent = advance(state, count)
    if not listed:
        return Reply(200, ('{"tick": %d}' % market.ticks).encode())
    return Reply(200, ('{"tick": %d, "pushes": [%s]}' % (market.ticks, ", ".join(sent))).encode())


def control_market_pause(state, request):
    running_market(state).paused = True
    return Reply(200, running_market(state).state_reply().encode())


def control_market_resume(state, request):
    running_market(state).paused = False
    return Reply(200, running_market(state).state_reply().encode())


def control_market(state, request):
    return Reply(200, running_market(state).state_reply().encode())
