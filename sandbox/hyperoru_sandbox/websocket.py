"""The WebSocket side: frames, the hub and the connections (contract section 3)."""

import base64
import binascii
import collections
import hashlib
import select
import socket
import ssl
import threading
import time
from urllib.parse import unquote

from .common import ControlError


# =============================================================================================
# The WebSocket side: GET /ws (contract section 3), RFC 6455 written out on the standard library.
#
# Hand-written rather than a library, because the stand-in must run on a bare Python 3 and because
# the tests need the server to misbehave in ways a library would not allow: drop the TCP
# connection without a close frame, go silent, split a message at any byte.
#
# Threads: an upgraded connection keeps the handler thread that accepted it, and that thread alone
# reads and writes the socket (an ssl.SSLSocket must never be used by two threads at once, and a
# plain socket then needs no write lock either). Control endpoints never touch a socket: they
# queue frames or actions on the connection under its lock and wake its thread through a
# socketpair. Lock order: state.lock, then hub.lock, then a connection's lock; a connection's own
# thread takes one of them at a time and never waits for anything while holding it.
# Nothing here sleeps to synchronise; tests that must know what the server has seen block on
# GET /__standin/ws/state?<counter>=N or GET /__standin/ws-log?count=N, which wait on a condition.

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
WS_TEXT, WS_BINARY, WS_CLOSE, WS_PING, WS_PONG = 0x1, 0x2, 0x8, 0x9, 0xA
WS_MAX_MESSAGE = 64 * 1024 * 1024  # a larger client message is refused with 1009
WS_CLOSE_WAIT = 5.0  # seconds to wait for the client's close frame after sending ours
WS_WRITE_CHUNK = 256 * 1024
WS_READ_BUDGET = 1024 * 1024  # bytes read per loop turn, so a flooding client cannot starve writes
WS_WAIT_LIMIT = 10.0  # the longest a control request waits for a counter (then it answers anyway)
WS_WAIT_COUNTERS = ("open", "accepted", "pongs", "pings")
# POST /__standin/ws/flood: what a connection's `out` is topped up with, 32768 frames at a time.
WS_FLOOD_CHUNKS = {"empty-fragments": bytes([0x00, 0x00]) * 32768,  # continuation, no FIN
                   "pings": bytes([0x80 | 0x9, 0x00]) * 32768,
                   "pongs": bytes([0x80 | 0xA, 0x00]) * 32768}
WS_FLOOD_MAX_SECONDS = 60.0
# Status codes a client may put in a close frame (RFC 6455 section 7.4, IANA registry).
WS_VALID_CLOSE = set(range(1000, 1004)) | set(range(1007, 1015)) | set(range(3000, 5000))
WS_REJECTIONS = {401: ("Invalid or expired session token", "UNAUTHORIZED"),
                 403: ("Forbidden", "FORBIDDEN"),
                 500: ("Internal server error", "INTERNAL_ERROR")}

# Replies given as literal text: the client under test must keep number lexemes such as
# "10012.50" exactly, and these are the contract's documented examples byte for byte.
WS_NOT_AUTHENTICATED = ('{"type": "error", "data": {"error": "not authenticated", '
                        '"code": "UNAUTHORIZED"}}')
WS_BOOTSTRAP_HEAD = ('{"accounts": [{"id": 1, "name": "Main Account"}], "positions": [], '
                     '"active_orders": ')
WS_BOOTSTRAP = WS_BOOTSTRAP_HEAD + '[]}'
WS_MAIN_SNAPSHOT = ('{"equity": 10000.0, "positions": [{"symbol": "BTC", "side": "long", '
                    '"size": 0.05, "unrealized_pnl": 75.0}]}')
WS_CURVE_TIMES = ["2026-11-18T00:00:00Z", "2026-11-21T12:00:00Z", "2026-11-25T00:00:00Z"]
WS_MAIN_CURVE = ["10000.0", "10012.50", "10075.25"]
WS_PUSHED_TRADE = ('{"type": %s, "seq": %d, "data": {"id": %d, "account_id": 1, "symbol": "BTC", '
                   '"side": "buy", "price": 67012.50, "quantity": 0.01}}')
WS_LARGE_FRAME = ('{"type":"large","data":"', '"}')


def ws_frame(opcode, payload, fin=True):
    """One unmasked (server-to-client) frame."""
    head = bytearray([(0x80 if fin else 0) | opcode])
    size = len(payload)
    if size < 126:
        head.append(size)
    elif size < 65536:
        head.append(126)
        head += size.to_bytes(2, "big")
    else:
        head.append(127)
        head += size.to_bytes(8, "big")
    return bytes(head) + payload


def ws_close_frame(code, reason):
    payload = b"" if code is None else code.to_bytes(2, "big") + reason.encode("utf-8")
    return ws_frame(WS_CLOSE, payload)


def ws_unmask(payload, key):
    # One big-integer XOR instead of a Python loop per byte: a 64 MiB message stays fast.
    size = len(payload)
    if size == 0:
        return b""
    mask = (bytes(key) * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(mask, "little")).to_bytes(
        size, "little")


def ws_accept_key(key):
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode()


def ws_key_ok(key):
    try:
        return len(base64.b64decode(key.strip(), validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


def query_value(query, name):
    """The first `name` parameter of a raw query string, percent-decoded only: a "+" stays a
    plus (the contract percent-encodes the token; it is not form encoding). None if absent."""
    for part in query.split("&"):
        key, sep, value = part.partition("=")
        if unquote(key) == name:
            return unquote(value) if sep else ""
    return None


class WsFailure(Exception):
    """The client broke the protocol: the connection is failed with this close code."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code, self.reason = code, reason


class WsUnauthorized(Exception):
    """Answered with WS_NOT_AUTHENTICATED and close 4401."""


class WsHub:
    """The server's WebSocket bookkeeping: open connections, counters, the WebSocket log and the
    switches set by control endpoints. Every change notifies `changed`, which the waiting control
    requests block on."""

    def __init__(self, answer):
        # answer(state, connection, text) -> ([reply texts], close or None): the messages of
        # ws_messages.py, given here so that the transport does not import the API.
        self.answer = answer
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.connections = {}
        self.reset()

    def reset(self):
        """A fresh server: open connections are dropped (as a restart would), numbering restarts."""
        with self.lock:
            dropped = list(self.connections.values())
            self.connections = {}  # number -> WsConnection, open ones only
            self.accepted = self.pings = self.pongs = 0
            self.log = []
            self.reject = None  # an HTTP status for every upgrade, or None
            self.flap = False  # close every connection right after its upgrade (ws/flap)
            self.silent = False
            self.flood = None  # (kind, time.monotonic() at its end) of POST /__standin/ws/flood
            self.changed.notify_all()
        for connection in dropped:
            connection.post(("drop",))

    def register(self, authenticated, user_id):
        with self.lock:
            self.accepted += 1
            connection = WsConnection(self, self.accepted, authenticated, user_id)
            self.connections[connection.number] = connection
            self.changed.notify_all()
            return connection

    def unregister(self, connection):
        with self.lock:
            if self.connections.get(connection.number) is connection:  # not already reset away
                del self.connections[connection.number]
            self.changed.notify_all()

    def count(self, counter):
        with self.lock:
            setattr(self, counter, getattr(self, counter) + 1)
            self.changed.notify_all()

    def record(self, entry):
        with self.lock:
            self.log.append(entry)
            self.changed.notify_all()

    def counters(self):
        return {"open": len(self.connections), "accepted": self.accepted, "pongs": self.pongs,
                "pings": self.pings}

    def targets(self, spec):
        """The open connections a control request names: "connection": n, or all of them."""
        number = spec.get("connection")
        with self.lock:
            if number is None:
                return [self.connections[n] for n in sorted(self.connections)]
            if isinstance(number, bool) or not isinstance(number, int):
                raise ControlError("connection must be an integer")
            if number not in self.connections:
                raise ControlError("connection %d is not open" % number)
            return [self.connections[number]]


class WsConnection:
    """One upgraded connection. post() may be called from any thread; everything else runs on
    the connection's own thread (serve)."""

    def __init__(self, hub, number, authenticated, user_id):
        self.hub, self.number = hub, number
        self.lock = threading.Lock()
        self.queue = collections.deque()  # frames (bytes) and actions ("drop",), ("close", c, r)
        self.wake_reader, self.wake_writer = socket.socketpair()
        self.wake_reader.setblocking(False)
        self.wake_writer.setblocking(False)
        # The session, changed by the messages (under state.lock).
        self.authenticated, self.user_id = authenticated, user_id
        self.account_id = 1
        self.channels = []
        self.demo_pushes = 0  # asset_curve pushes made to it (ws_demo_pusher, under state.lock)
        # The connection thread's own.
        self.sock = self.state = None
        self.inbuf = bytearray()
        self.out = bytearray()
        self.sent = 0  # bytes of `out` already written
        self.message = None  # (opcode, bytearray) of a fragmented message being received
        self.close_sent = False
        self.close_deadline = None
        self.finishing = False  # end once `out` is written (a drop, a failure, a close reply)
        self.eof = False  # the client has sent its last byte
        self.flooding = None  # the kind of flood being sent (see feed_flood)
        self.held = bytearray()  # data frames held back while an empty-fragments flood lasts

    def post(self, *items):
        with self.lock:
            self.queue.extend(items)
        try:
            self.wake_writer.send(b"!")
        except OSError:  # the wake-up buffer is full (so a wake-up is pending) or already closed
            pass

    # -- the connection loop ----------------------------------------------------------------------

    def serve(self, sock, state, leftover):
        self.sock, self.state = sock, state
        self.inbuf += leftover
        sock.setblocking(False)
        poller = select.poll()
        poller.register(self.wake_reader, select.POLLIN)
        try:
            self.handle_frames()  # a client may have sent frames along with its upgrade request
            self.flush()
            while not self.ended():
                self.feed_flood()
                # Bytes TLS has already decrypted make no poll event; read them without waiting.
                tls_pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
                writing = self.sent < len(self.out) and not self.hub.silent
                poller.register(sock, (0 if self.eof else select.POLLIN) |
                                (select.POLLOUT if writing else 0))
                events = dict(poller.poll(0 if tls_pending else self.wait_ms()))
                if self.wake_reader.fileno() in events:
                    self.drain_wake_ups()
                self.take_queue()
                readable = events.get(sock.fileno(), 0) & (select.POLLIN | select.POLLERR |
                                                            select.POLLHUP)
                if not self.eof and (tls_pending or readable):
                    alive = self.receive()
                    self.handle_frames()  # what came before an end of stream counts too
                    if not alive:
                        # The client has hung up, or only shut its sending side: the answers
                        # to what it sent last still go out, then the connection ends.
                        self.eof = self.finishing = True
                self.flush()
        except (OSError, ValueError):  # reset by the client, a TLS failure, a closed socket
            pass
        finally:
            self.hub.unregister(self)
            for closable in (self.wake_reader, self.wake_writer):
                closable.close()
            try:
                # No close frame and, over TLS, no close_notify: to the client this is a cut cable
                # or a server that died after the close handshake. SHUT_RDWR sends the FIN now,
                # although the handler's file objects keep the descriptor open a little longer.
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def ended(self):
        if self.finishing and (self.sent >= len(self.out) or self.hub.silent):
            return True
        return self.close_deadline is not None and time.monotonic() > self.close_deadline

    def wait_ms(self):
        ends = [t for t in (self.close_deadline, self.flood_end()) if t is not None]
        if not ends:
            return 1000
        return min(1000, max(0, int((min(ends) - time.monotonic()) * 1000) + 1))

    def flood_end(self):
        flood = self.hub.flood  # one reference, read without the lock
        return flood[1] if self.flooding and flood is not None else None

    def feed_flood(self):
        """While the hub's flood lasts, keeps `out` topped up with its frames; once it is over,
        ends an endless fragmented message with an empty FIN frame and sends what was held."""
        flood = self.hub.flood
        kind = flood[0] if flood is not None and time.monotonic() < flood[1] else None
        if self.close_sent or self.finishing:
            kind = None
        if kind != self.flooding:
            if self.flooding == "empty-fragments" and not self.close_sent:
                self.out += ws_frame(0x0, b"")
            self.flooding = kind
            if kind == "empty-fragments":
                self.out += ws_frame(WS_TEXT, b"", fin=False)
            elif self.held:
                held, self.held = bytes(self.held), bytearray()
                self.send(held)
        if kind is not None and not self.hub.silent and len(self.out) - self.sent < WS_WRITE_CHUNK:
            self.out += WS_FLOOD_CHUNKS[kind]

    def drain_wake_ups(self):
        try:
            while self.wake_reader.recv(4096):
                pass
        except BlockingIOError:
            pass

    def take_queue(self):
        with self.lock:
            items = list(self.queue)
            self.queue.clear()
        for item in items:
            if self.finishing:
                break
            if isinstance(item, bytes):
                self.send(item)
            elif item[0] == "drop":
                self.finishing = True  # what was queued before the drop is still written first
            elif item[0] == "close":
                self.start_close(item[1], item[2])
            # ("flood",) only wakes the loop: feed_flood starts it

    def receive(self):
        """Reads what is available; False at end of stream."""
        budget = WS_READ_BUDGET
        while budget > 0:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return True
            if not data:
                return False
            self.inbuf += data
            budget -= len(data)
        return True

    def send(self, frame):
        # While silenced the server says nothing at all: replies, pongs and pushes made meanwhile
        # are lost, as with a server that hangs. (Frames queued earlier wait for the end of it.)
        if self.hub.silent or self.close_sent:
            return
        if self.flooding == "empty-fragments" and frame and frame[0] & 0x0F < 0x8:
            self.held += frame  # no data frame may come inside the endless message
            return
        self.out += frame

    def flush(self):
        if self.hub.silent:
            return
        while self.sent < len(self.out):
            # A copy, so `out` can grow meanwhile; a retried TLS write sends the same bytes again.
            chunk = bytes(self.out[self.sent:self.sent + WS_WRITE_CHUNK])
            try:
                self.sent += self.sock.send(chunk)
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                break
        if self.sent == len(self.out):
            self.out.clear()
            self.sent = 0
        elif self.sent > WS_READ_BUDGET:
            del self.out[:self.sent]
            self.sent = 0

    def start_close(self, code, reason):
        """The server's side of the close handshake: its close frame, then it waits (a while)
        for the client's before closing the TCP connection, as RFC 6455 section 7.1.1 asks."""
        if self.close_sent or self.hub.silent:  # a silenced server closes nothing either
            return
        self.send(ws_close_frame(code, reason))
        self.close_sent = True
        self.close_deadline = time.monotonic() + WS_CLOSE_WAIT

    def fail(self, code, reason):
        """Fails the connection (RFC 6455 section 7.1.7): a close frame, then the TCP close."""
        if not self.close_sent:
            self.send(ws_close_frame(code, reason))
            self.close_sent = True
        self.finishing = True

    # -- frames -----------------------------------------------------------------------------------

    def handle_frames(self):
        buf = self.inbuf
        at = 0  # frames are parsed by offset and consumed at the end: a burst of small frames
        try:    # must not shift the buffer once per frame
            while not self.finishing:
                frame = self.parse_frame(buf, at)
                if frame is None:
                    break
                at, fin, opcode, payload = frame
                self.handle_frame(fin, opcode, payload)
        except WsFailure as e:
            self.fail(e.code, e.reason)
        del buf[:at]

    @staticmethod
    def parse_frame(buf, at):
        """(next offset, fin, opcode, unmasked payload), or None while the frame is incomplete."""
        if len(buf) < at + 2:
            return None
        first, second = buf[at], buf[at + 1]
        fin, opcode, size = first & 0x80, first & 0x0F, second & 0x7F
        if first & 0x70:
            raise WsFailure(1002, "reserved bits set")
        if not second & 0x80:
            raise WsFailure(1002, "client frames must be masked")
        if opcode >= 0x8 and (not fin or size > 125):
            raise WsFailure(1002, "control frames must be whole and at most 125 bytes")
        start = at + 2
        if size == 126:
            if len(buf) < start + 2:
                return None
            size = int.from_bytes(buf[start:start + 2], "big")
            start += 2
        elif size == 127:
            if len(buf) < start + 8:
                return None
            size = int.from_bytes(buf[start:start + 8], "big")
            start += 8
        if size > WS_MAX_MESSAGE:
            raise WsFailure(1009, "message too big")
        if len(buf) < start + 4 + size:
            return None
        key = buf[start:start + 4]
        payload = ws_unmask(bytes(buf[start + 4:start + 4 + size]), key)
        return start + 4 + size, bool(fin), opcode, payload

    def handle_frame(self, fin, opcode, payload):
        if opcode == WS_CLOSE:
            self.on_close(payload)
        elif opcode == WS_PING:
            self.hub.count("pings")
            self.send(ws_frame(WS_PONG, payload))
        elif opcode == WS_PONG:
            self.hub.count("pongs")
        elif opcode == 0x0:
            if self.message is None:
                raise WsFailure(1002, "continuation frame without a message")
            self.message[1].extend(payload)
            if len(self.message[1]) > WS_MAX_MESSAGE:
                raise WsFailure(1009, "message too big")
            if fin:
                kind, data = self.message
                self.message = None
                self.on_message(kind, bytes(data))
        elif opcode in (WS_TEXT, WS_BINARY):
            if self.message is not None:
                raise WsFailure(1002, "new message before the fragmented one ended")
            if fin:
                self.on_message(opcode, payload)
            else:
                self.message = (opcode, bytearray(payload))
        else:
            raise WsFailure(1002, "unknown opcode %d" % opcode)

    def on_close(self, payload):
        if len(payload) == 1:
            raise WsFailure(1002, "close payload of one byte")
        code = int.from_bytes(payload[:2], "big") if payload else None
        try:
            payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise WsFailure(1007, "close reason is not UTF-8")
        if code is not None and code not in WS_VALID_CLOSE:
            raise WsFailure(1002, "invalid close code %d" % code)
        if self.hub.silent:
            return  # a hung server neither answers nor hangs up; the client will give up first
        if not self.close_sent:  # the client began the handshake: echo its code, then hang up
            self.send(ws_close_frame(code, ""))
            self.close_sent = True
        self.finishing = True

    def on_message(self, opcode, payload):
        if opcode == WS_BINARY:
            # latin-1 maps every byte to one code point, so the log is lossless (as the HTTP log).
            self.hub.record({"connection": self.number, "binary": payload.decode("latin-1")})
            return  # the contract has no binary messages; they are logged and ignored
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise WsFailure(1007, "text message is not UTF-8")
        # Logged before answering, so a test that has the reply also finds the message logged.
        self.hub.record({"connection": self.number, "text": text})
        if self.close_sent:
            return  # nothing may follow our close frame
        with self.state.lock:
            replies, close = self.hub.answer(self.state, self, text)
        for reply in replies:
            self.send(ws_frame(WS_TEXT, reply.encode("utf-8")))
        if close is not None:
            self.start_close(*close)
