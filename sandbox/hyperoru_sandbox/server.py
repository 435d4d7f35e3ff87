"""The HTTP server: parsing, dispatch, writing replies, scripted faults, the WebSocket upgrade."""

import json
import os
import re
import signal
import socket
import socketserver
import ssl
import sys
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .common import (ApiError, ChatError, ControlError, DetailError, MAX_BODY, Reply, Request,
    TLS_HANDSHAKE_TIMEOUT, bearer_token, logged_request)
from .routes import CONTROL_ROUTES, find_route
from .websocket import WS_REJECTIONS, query_value, ws_accept_key, ws_key_ok


# -- the upgrade (called by Handler.dispatch for GET /ws with Upgrade: websocket) ------------------

def ws_refusal(state, request):
    """The HTTP answer refusing this upgrade as (Reply, extra headers), or None to accept it."""
    hub = state.ws
    with hub.lock:
        rejected = hub.reject
    if rejected is not None:
        text, code = WS_REJECTIONS.get(rejected, (None, "WS_REJECTED"))
        if text is None:
            try:
                text = HTTPStatus(rejected).phrase
            except ValueError:  # a status without a registered name
                text = "Error"
        return Reply.json(rejected, {"error": text, "code": code,
                                     "request_id": state.next_request_id()}), []
    headers = request.headers
    connection_tokens = {t.strip().lower() for t in headers.get("Connection", "").split(",")}
    if "upgrade" not in connection_tokens:
        return Reply.json(400, {"detail": "Connection: Upgrade is required"}), []
    if headers.get("Sec-WebSocket-Version", "").strip() != "13":
        return (Reply.json(426, {"detail": "Unsupported WebSocket version"}),
                [("Sec-WebSocket-Version", "13")])
    if not ws_key_ok(headers.get("Sec-WebSocket-Key", "")):
        return Reply.json(400, {"detail": "Missing or invalid Sec-WebSocket-Key"}), []
    token = query_value(request.query, "session_token")
    if token is not None and token not in state.tokens:
        return Reply.json(401, {"error": "Invalid or expired session token", "code": "UNAUTHORIZED",
                                "request_id": state.next_request_id()}), []
    return None


def is_ws_upgrade(request):
    upgrade = {t.strip().lower() for t in request.headers.get("Upgrade", "").split(",")}
    return request.method == "GET" and request.path == "/ws" and "websocket" in upgrade


def serve_websocket(handler, request):
    """Answers the upgrade and, once accepted, runs the connection on this thread until it ends."""
    state = handler.server.state
    with state.lock:
        state.log.append(logged_request(request))
        state.logged.notify_all()
        queue = state.scripts.get((request.method, request.path))
        scripted = queue.popleft() if queue else None
        refusal = None if scripted is not None else ws_refusal(state, request)
        token = query_value(request.query, "session_token")
        user_id = state.tokens.get(token) if token is not None else None
    if scripted is not None:  # a scripted answer replaces the upgrade, as for any other route
        handler.play_script(scripted)
        handler.close_connection = True
        return
    handler.close_connection = True
    if refusal is not None:
        reply, headers = refusal
        handler.write_reply(reply, headers + [("Connection", "close")])
        return
    # Registered before the 101 leaves, so a client that has read the 101 is counted as open.
    connection = state.ws.register(authenticated=user_id is not None, user_id=user_id)
    try:
        handler.send_response(101)
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept",
                            ws_accept_key(request.headers["Sec-WebSocket-Key"].strip()))
        handler.end_headers()
        handler.wfile.flush()
        leftover = buffered_bytes(handler)
    except OSError:
        state.ws.unregister(connection)
        return
    if state.ws.flap:  # accept, then close at once: a server that flaps
        connection.post(("close", 1011, "going away"))
    connection.serve(handler.connection, state, leftover)


def buffered_bytes(handler):
    """What the HTTP parser's buffered reader has read past the request head (frames a client
    sent right behind its upgrade request). The socket is made non-blocking first, so the peek
    never waits for the network; an empty buffer then reads as b"" or, over TLS, raises."""
    handler.connection.setblocking(False)
    try:
        data = handler.rfile.peek()
    except (OSError, ValueError):
        return b""
    return handler.rfile.read(len(data)) if data else b""


# ---------------------------------------------------------------------------------------------
# The HTTP side.

class BadRequest(Exception):
    """The request itself is malformed (framing, not content): answer and drop the connection."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real service
    # Headers and body leave in separate writes; without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold the body back ~40 ms on a reused connection.
    disable_nagle_algorithm = True

    def setup(self):
        # With --tls-cert the socket arrives wrapped but not yet shaken hands: the handshake runs
        # here, on the connection's own thread, so a slow or distrustful client cannot hold up
        # the accept loop. A failed handshake raises ssl.SSLError (an OSError), which
        # Server.handle_error passes over quietly: the server carries on.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(TLS_HANDSHAKE_TIMEOUT)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()

    def version_string(self):  # the Server header; the Python version is noise
        return "hyperoru-standin/1"

    # BaseHTTPRequestHandler looks up do_<METHOD>; every method goes through one dispatcher so
    # that unusual methods are logged and answered 404/405 like any other request.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def log_message(self, format, *args):  # noqa: A002 (signature fixed by the base class)
        if os.environ.get("STANDIN_VERBOSE") == "1":
            super().log_message(format, *args)

    def send_error(self, code, message=None, explain=None):
        # Replaces the HTML error page (bad request line, oversized headers...) with JSON.
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: still send a status
            self.request_version = "HTTP/1.0"
        body = json.dumps({"detail": message or self.responses.get(code, ("Error",))[0]})
        try:
            self.write_reply(Reply(code, body.encode()), [("Connection", "close")])
        except OSError:
            pass

    # -- reading ------------------------------------------------------------------------------

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        if not re.fullmatch(r"[0-9]+", length_text.strip()):
            raise BadRequest(400, "Invalid Content-Length")
        length = int(length_text)
        if length > MAX_BODY:
            raise BadRequest(413, "Request body too large")
        return self.read_exactly(length)

    def read_exactly(self, n):
        data = self.rfile.read(n)
        if len(data) != n:
            raise BadRequest(400, "Incomplete request body")
        return data

    def read_chunked(self):
        body = bytearray()
        while True:
            size_line = self.rfile.readline(65537).split(b";")[0].strip()
            if not re.fullmatch(rb"[0-9A-Fa-f]+", size_line):
                raise BadRequest(400, "Invalid chunk size")
            size = int(size_line, 16)
            if len(body) + size > MAX_BODY:
                raise BadRequest(413, "Request body too large")
            if size == 0:
                break
            body += self.read_exactly(size)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise BadRequest(400, "Invalid chunk terminator")
        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
            pass  # trailer fields are ignored
        return bytes(body)

    # -- dispatching --------------------------------------------------------------------------

    def dispatch(self):
        target = self.path
        if "://" in target.split("?")[0]:  # absolute-form target, as sent to proxies
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        path = path.split("#")[0]
        try:
            body = self.read_body()
        except BadRequest as e:
            self.send_error(e.status, str(e))
            return
        request = Request(self.command, path, query, self.headers, body)
        try:
            if path.startswith("/__standin/"):
                self.serve_control(request)
            elif is_ws_upgrade(request):
                serve_websocket(self, request)  # returns when the WebSocket connection ends
            else:
                self.serve_api(request)
        except OSError:
            self.close_connection = True  # the client went away; nothing to answer

    def serve_control(self, request):
        state = self.server.state
        try:
            route, request.params = find_route(CONTROL_ROUTES, request.method, request.path)
            if getattr(route.handler, "unlocked", False):  # the WebSocket controls: hub_control
                reply = route.handler(state, request)
            else:
                with state.lock:
                    reply = route.handler(state, request)
        except DetailError as e:
            reply = Reply.json(e.status, {"detail": e.detail})
        except ControlError as e:
            reply = Reply.json(400, {"error": str(e)})
        self.write_reply(reply)

    def serve_api(self, request):
        state = self.server.state
        with state.lock:
            state.log.append(logged_request(request))
            state.logged.notify_all()
            queue = state.scripts.get((request.method, request.path))
            scripted = queue.popleft() if queue else None
            if scripted is None:
                reply = self.route_api(state, request)
        if scripted is not None:
            self.play_script(scripted)
        else:
            self.write_reply(reply)

    def route_api(self, state, request):
        try:
            route, request.params = find_route(self.server.routes, request.method, request.path)
            request.token = bearer_token(request.headers)
            if route.auth and request.token not in state.tokens:
                raise ApiError(401, "UNAUTHORIZED", "Invalid or expired session token")
            return route.handler(state, request)
        except ApiError as e:
            return Reply.json(e.status, {"error": e.message, "code": e.code,
                                         "request_id": state.next_request_id()})
        except DetailError as e:
            return Reply.json(e.status, {"detail": e.detail})
        except ChatError as e:
            return Reply.json(e.status, {"code": e.code, "details": e.details,
                                         "message": e.message})
        except Exception as e:  # a stand-in bug: answer 500 so the test fails clearly, not hangs
            traceback.print_exc(file=sys.stderr)
            return Reply.json(500, {"error": "stand-in bug: %r" % e, "code": "STANDIN_BUG",
                                    "request_id": state.next_request_id()})

    # -- writing ------------------------------------------------------------------------------

    def write_reply(self, reply, extra_headers=()):
        if reply.pieces is not None:
            self.write_stream(reply)
            return
        self.send_response(reply.status)
        no_body = reply.status in (204, 304)
        if reply.body and reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        if not no_body:
            self.send_header("Content-Length", str(len(reply.body)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    def write_stream(self, reply):
        """A streamed body (the SSE chat): each piece in its own flushed write, --sse-delay apart,
        framed with Transfer-Encoding: chunked, or (--sse-framing close) by closing the
        connection, without Content-Length either way."""
        options = self.server.state.options
        chunked = options.sse_framing == "chunked"
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding" if chunked else "Connection",
                         "chunked" if chunked else "close")
        self.end_headers()
        self.wfile.flush()
        for piece in reply.pieces:
            time.sleep(options.sse_delay)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            self.wfile.flush()
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        else:
            self.end_by_closing()

    def end_by_closing(self):
        """Ends a body framed by the end of the connection. Over TLS a close_notify goes first:
        a TLS client takes a bare TCP close for a truncated (possibly attacked) stream."""
        self.close_connection = True
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.setblocking(False)  # sends close_notify, waits for no answer
                self.connection.unwrap()
            except (OSError, ValueError):
                pass
        self.connection.shutdown(socket.SHUT_RDWR)

    def play_script(self, r):
        """Sends one scripted response, or misbehaves as its "action" asks."""
        time.sleep(r.get("delay", 0))
        action = r.get("action")
        if action == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if "json" in r:
            body = json.dumps(r["json"]).encode()
        else:
            body = r.get("body", "").encode("utf-8")
        headers = r.get("headers", [])
        headers = list(headers.items()) if isinstance(headers, dict) else headers
        names = {name.lower() for name, _ in headers}
        self.send_response(r.get("status", 200), r.get("reason"))
        if ("body" in r or "json" in r) and "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        for name, value in headers:
            self.send_header(name, value)
        # A scripted Content-Length wins, so tests can also send a wrong one.
        if action == "no_content_length":
            self.send_header("Connection", "close")
        elif "content-length" not in names and r.get("status", 200) not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        if action == "close_mid_body":
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if action == "stall_after_headers":
            time.sleep(r.get("stall", 30))
        if action == "pause_at":  # the first `at` bytes, a pause of `stall` seconds, the rest
            at = int(r.get("at", 0))
            self.wfile.write(body[:at])
            self.wfile.flush()
            time.sleep(r.get("stall", 30))
            body = body[at:]
        if action == "trickle":
            for i in range(len(body)):
                time.sleep(r.get("interval", 1.0))
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
        else:
            self.wfile.write(body)
            self.wfile.flush()
        if action == "no_content_length":
            self.end_by_closing()


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled or idle keep-alive connection never delays the exit
    allow_reuse_address = True

    ssl_context = None  # set by --tls-cert/--tls-key: every connection is then TLS

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:
            # No handshake yet (it is the handler thread's job, see Handler.setup).
            sock = self.ssl_context.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, address

    def server_bind(self):
        # HTTPServer.server_bind resolves the host name (getfqdn), which can stall on a machine
        # without DNS; the stand-in never needs the name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request_thread(self, request, client_address):
        # Only the main thread may take SIGTERM/SIGINT: it is the one that must wake up from
        # select() and stop the server at once.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        super().process_request_thread(request, client_address)

    def handle_error(self, request, client_address):
        # A client that hangs up early is normal in fault tests; anything else is a stand-in bug
        # that must be visible, but must not stop the server.
        if isinstance(sys.exc_info()[1], OSError) and os.environ.get("STANDIN_VERBOSE") != "1":
            return
        traceback.print_exc(file=sys.stderr)


class Stop(BaseException):
    """Raised by the signal handler. A BaseException, because socketserver turns an Exception
    raised while accepting a connection into a logged error and carries on serving."""


def raise_stop(signum, frame):
    raise Stop()
