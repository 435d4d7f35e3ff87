"""Control endpoints of the WebSocket side (/__standin/ws/*)."""

import json
import time

from .common import ControlError, Reply, control_object, wait_targets
from .websocket import (WS_BINARY, WS_FLOOD_CHUNKS, WS_FLOOD_MAX_SECONDS, WS_LARGE_FRAME,
    WS_MAX_MESSAGE, WS_PING, WS_PUSHED_TRADE, WS_TEXT, WS_WAIT_COUNTERS, WS_WAIT_LIMIT, ws_frame)


# -- control endpoints for the WebSocket side -----------------------------------------------------
# They run without state.lock (see Handler.serve_control): some wait on the hub, and a connection
# thread needs state.lock to answer the messages being waited for.

def hub_control(handler):
    handler.unlocked = True
    return handler


def optional_control_object(request):
    return control_object(request) if request.body.strip() else {}


def ws_ok(connections, **more):
    return Reply.json(200, {"ok": True, "connections": [c.number for c in connections], **more})


def ws_push_frames(entry):
    """The frames of one entry of POST /__standin/ws/push "messages"."""
    if isinstance(entry, str):
        return ws_frame(WS_TEXT, entry.encode("utf-8"))
    if not isinstance(entry, dict) or len(entry.keys() - {"pieces", "ping_between"}) != 1:
        raise ControlError('each message must be a string, {"binary": n}, '
                           '{"fragmented": text, "pieces": k} or {"large": n}')
    if "binary" in entry:
        size = entry["binary"]
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= WS_MAX_MESSAGE:
            raise ControlError("binary must be a size from 0 to %d" % WS_MAX_MESSAGE)
        return ws_frame(WS_BINARY, (bytes(range(256)) * (size // 256 + 1))[:size])
    if "large" in entry:
        size = entry["large"]
        least = len("".join(WS_LARGE_FRAME))
        if (isinstance(size, bool) or not isinstance(size, int)
                or not least <= size <= WS_MAX_MESSAGE):
            raise ControlError("large must be a size from %d to %d" % (least, WS_MAX_MESSAGE))
        text = WS_LARGE_FRAME[0] + "x" * (size - least) + WS_LARGE_FRAME[1]
        return ws_frame(WS_TEXT, text.encode())
    if "fragmented" in entry:
        data = entry["fragmented"]
        pieces = entry.get("pieces", 2)
        if not isinstance(data, str):
            raise ControlError("fragmented must be a string")
        data = data.encode("utf-8")
        if (isinstance(pieces, bool) or not isinstance(pieces, int)
                or not 1 <= pieces <= max(1, len(data))):
            raise ControlError("pieces must be an integer from 1 to the text's length in bytes")
        # Cut at even byte offsets, so a piece may well end inside a UTF-8 sequence.
        cuts = [len(data) * i // pieces for i in range(pieces + 1)]
        frames = []
        for i in range(pieces):
            if i > 0 and entry.get("ping_between"):  # control frames may interleave (5.4)
                frames.append(ws_frame(WS_PING, b"between"))
            frames.append(ws_frame(WS_TEXT if i == 0 else 0x0, data[cuts[i]:cuts[i + 1]],
                                   fin=i == pieces - 1))
        return b"".join(frames)
    raise ControlError("unknown message entry: %s" % sorted(entry))


@hub_control
def control_ws_push(state, request):
    spec = control_object(request)
    messages = spec.get("messages")
    if not isinstance(messages, list):
        raise ControlError("messages must be a list")
    blob = b"".join(ws_push_frames(entry) for entry in messages)  # all checked before any is sent
    connections = state.ws.targets(spec)
    for connection in connections:
        connection.post(blob)
    return ws_ok(connections)


@hub_control
def control_ws_push_many(state, request):
    spec = control_object(request)
    count, kind = spec.get("count"), spec.get("type", "trades")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1000000:
        raise ControlError("count must be an integer from 0 to 1000000")
    if not isinstance(kind, str):
        raise ControlError("type must be a string")
    connections = state.ws.targets(spec)
    kind_text = json.dumps(kind)
    blob = b"".join(ws_frame(WS_TEXT, (WS_PUSHED_TRADE % (kind_text, i, i)).encode())
                    for i in range(1, count + 1))
    for connection in connections:
        connection.post(blob)
    return ws_ok(connections, count=count)


@hub_control
def control_ws_drop(state, request):
    connections = state.ws.targets(optional_control_object(request))
    for connection in connections:
        connection.post(("drop",))
    return ws_ok(connections)


@hub_control
def control_ws_close(state, request):
    spec = optional_control_object(request)
    code, reason = spec.get("code", 1000), spec.get("reason", "")
    # Any 16-bit code, even one a client must refuse, so that tests can send invalid ones too.
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)
                             or not 0 <= code <= 65535):
        raise ControlError("code must be an integer from 0 to 65535, or null for no payload")
    if not isinstance(reason, str) or len(reason.encode("utf-8")) > 123:
        raise ControlError("reason must be a string of at most 123 UTF-8 bytes")
    connections = state.ws.targets(spec)
    for connection in connections:
        connection.post(("close", code, "" if code is None else reason))
    return ws_ok(connections)


def switch_of(spec):
    on = spec.get("on")
    if not isinstance(on, bool):
        raise ControlError("on must be true or false")
    return on


@hub_control
def control_ws_silence(state, request):
    on = switch_of(control_object(request))
    hub = state.ws
    with hub.lock:
        hub.silent = on
        connections = list(hub.connections.values())
    for connection in connections:
        connection.post()  # wakes it, so held frames leave as soon as the silence ends
    return Reply.json(200, {"ok": True, "silent": on})


@hub_control
def control_ws_flood(state, request):
    spec = control_object(request)
    kind, seconds = spec.get("kind"), spec.get("seconds", 10)
    if not isinstance(kind, str) or kind not in WS_FLOOD_CHUNKS:
        raise ControlError("kind must be one of %s" % ", ".join(sorted(WS_FLOOD_CHUNKS)))
    if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
            or not 0 < seconds <= WS_FLOOD_MAX_SECONDS):
        raise ControlError("seconds must be a number above 0, at most %g" % WS_FLOOD_MAX_SECONDS)
    hub = state.ws
    with hub.lock:
        hub.flood = (kind, time.monotonic() + seconds)
        connections = [hub.connections[n] for n in sorted(hub.connections)]
    for connection in connections:
        connection.post(("flood",))
    return ws_ok(connections)


@hub_control
def control_ws_ping(state, request):
    spec = optional_control_object(request)
    payload = spec.get("payload", "")
    if not isinstance(payload, str) or len(payload.encode("utf-8")) > 125:
        raise ControlError("payload must be a string of at most 125 UTF-8 bytes")
    connections = state.ws.targets(spec)
    for connection in connections:
        connection.post(ws_frame(WS_PING, payload.encode("utf-8")))
    return ws_ok(connections)


@hub_control
def control_ws_flap(state, request):
    on = switch_of(control_object(request))
    with state.ws.lock:
        state.ws.flap = on
    return Reply.json(200, {"ok": True, "flap": on})


@hub_control
def control_ws_reject(state, request):
    spec = control_object(request)
    on, status = switch_of(spec), spec.get("status", 401)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ControlError("status must be an integer from 400 to 599")
    with state.ws.lock:
        state.ws.reject = status if on else None
    return Reply.json(200, {"ok": True, "reject": status if on else None})


@hub_control
def control_ws_state(state, request):
    """The counters; ?open=N waits until exactly N connections are open, ?accepted=N,
    ?pings=N and ?pongs=N until the counter reaches at least N (at most WS_WAIT_LIMIT)."""
    wanted = wait_targets(request, WS_WAIT_COUNTERS)
    hub = state.ws

    def reached():
        now = hub.counters()
        return all(now[k] == n if k == "open" else now[k] >= n for k, n in wanted.items())
    with hub.changed:
        hub.changed.wait_for(reached, WS_WAIT_LIMIT)
        return Reply.json(200, hub.counters())


@hub_control
def control_ws_log(state, request):
    """The WebSocket log; ?count=N first waits until it holds N messages (at most
    WS_WAIT_LIMIT)."""
    wanted = wait_targets(request, ["count"]).get("count", 0)
    hub = state.ws
    with hub.changed:
        hub.changed.wait_for(lambda: len(hub.log) >= wanted, WS_WAIT_LIMIT)
        return Reply.json(200, hub.log)
