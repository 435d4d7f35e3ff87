#!/usr/bin/env python3
"""Local stand-in of the Hyperoru API for the integration and end-to-end tests.

A real HTTP/1.1 server (keep-alive, Content-Length, chunked request bodies) so that the client's
curl transport is exercised exactly as against the real service. Besides the API routes it offers
control endpoints under /__standin/ to read the log of received requests, to reset the seeded
state and to script responses and connection faults.

Usage: standin.py [--host 127.0.0.1] [--port 0] [--token T]... [--login-token T] [--no-logout]
                  [--quiet]
Once listening it prints "PORT <n>" on stdout: the test harness waits for that line instead of
sleeping or polling the port.
Standard library only, so the tests need nothing but a Python 3 interpreter.
"""

import argparse
import collections
import copy
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

# The token the C++ harness knows as k_standin_token (tests/support/standin.hpp).
SEEDED_TOKEN = "hs_test_token_0123456789abcdef"
PASSWORD = "secret"
EXPIRES_AT = "2027-05-24T00:00:00Z"

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

# Literal texts rather than json.dumps output: the client must keep number lexemes such as
# "67012.50" and "0.00000012" (which float formatting would rewrite) and accept a string price.
PRICES = {
    symbol: '{"symbol": "%s", "price": %s, "timestamp": "2026-11-25T12:00:00Z"}' % (symbol, price)
    for symbol, price in [("BTC", "67012.50"), ("ETH", "3450.25"), ("SOL", "142.7"),
                          ("PEPE", "0.00000012"), ("ARB", '"0.8125"')]
}

# Bodies larger than this are refused, so a bogus Content-Length cannot exhaust memory.
MAX_BODY = 64 * 1024 * 1024
FAULT_ACTIONS = {"close", "close_mid_body", "stall_after_headers", "trickle", "no_content_length"}
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


class ApiError(Exception):
    """A documented error body: {"error", "code", "request_id"} (contract section 1.8)."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DetailError(Exception):
    """A FastAPI-shaped error body {"detail": ...}; it carries no request id."""

    def __init__(self, status, detail):
        super().__init__(str(detail))
        self.status, self.detail = status, detail


def missing_field(where, name):
    return {"loc": [where, name], "msg": "field required", "type": "value_error.missing"}


class Reply:
    """What a route produces; written to the socket only after the state lock is released."""

    def __init__(self, status, body=b"", content_type="application/json"):
        self.status, self.body, self.content_type = status, body, content_type

    @staticmethod
    def json(status, value):
        return Reply(status, json.dumps(value).encode())


class Request:
    """One parsed request as the route handlers see it."""

    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = (
            method, path, query, headers, body)
        self.params = {}  # path parameters of templated routes, percent-decoded
        self.token = None  # the bearer token, if any
        self.args = parse_qs(query, keep_blank_values=True)

    def arg(self, name):
        values = self.args.get(name)
        return values[0] if values else None

    def json_body(self):
        """The body as a JSON object; the contract requires Content-Type application/json."""
        media_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if media_type != "application/json":
                raise ValueError(media_type)
            value = json.loads(self.body.decode("utf-8"))
        except (ValueError, RecursionError):  # ValueError covers Unicode and JSON decoding
            value = None
        # Valid JSON that is not an object is useless to every route, so it is refused alike.
        if not isinstance(value, dict):
            raise ApiError(400, "INVALID_JSON", "Invalid JSON body")
        return value


class State:
    """Everything a reset restores. Callers hold `lock` while touching any of it."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.user = copy.deepcopy(SEEDED_USER)
        self.accounts = copy.deepcopy(SEEDED_ACCOUNTS)
        self.next_account_id = 3
        # Tokens issued by login are forgotten too: a reset is a fresh server.
        self.tokens = {SEEDED_TOKEN, *self.options.token}
        self.log = []
        self.scripts = collections.defaultdict(collections.deque)  # (method, path) -> responses
        self.error_count = 0

    def next_request_id(self):
        self.error_count += 1
        return "req_%06d" % self.error_count


# ---------------------------------------------------------------------------------------------
# API routes. Each handler runs under the state lock and returns a Reply or raises an error.

def health(state, request):
    return Reply.json(200, {"status": "healthy"})


def login(state, request):
    body = request.json_body()
    # Email is the default way to log in, so it is the field reported missing when both are.
    by_username = body.get("email") is None and body.get("username") is not None
    login_field = "username" if by_username else "email"
    problems = []
    for name in (login_field, "password"):
        value = body.get(name)
        if value is None:
            problems.append(missing_field("body", name))
        elif not isinstance(value, str):
            problems.append({"loc": ["body", name], "msg": "str type expected",
                             "type": "type_error.str"})
    if problems:
        raise DetailError(422, problems)
    if body[login_field] != state.user[login_field] or body["password"] != PASSWORD:
        raise ApiError(401, "INVALID_CREDENTIALS", "Invalid credentials")
    token = state.options.login_token or "hs_" + secrets.token_hex(16)
    state.tokens.add(token)
    return Reply.json(200, {"user": state.user, "session_token": token, "expires_at": EXPIRES_AT})


def logout(state, request):
    state.tokens.discard(request.token)
    return Reply.json(200, {"status": "ok"})


def profile(state, request):
    return Reply.json(200, state.user)


def parse_bool(request, name):
    text = request.arg(name)
    if text is None or text.lower() in FALSE_WORDS:
        return False
    if text.lower() in TRUE_WORDS:
        return True
    raise DetailError(422, [{"loc": ["query", name], "msg": "value could not be parsed to a boolean",
                             "type": "type_error.bool"}])


def list_accounts(state, request):
    include_hidden = parse_bool(request, "include_hidden")
    return Reply.json(200, [a for a in state.accounts if include_hidden or a["show_on_dashboard"]])


# Create-account fields that are consumed into the fixed part of the response, or never echoed.
CONSUMED_FIELDS = {"id", "user_id", "name", "description", "llm_model", "model", "llm_base_url",
                   "base_url", "account_type", "initial_capital", "current_cash", "frozen_cash",
                   "is_active", "show_on_dashboard", "llm_api_key", "api_key"}


def first_given(body, *names):
    return next((body[n] for n in names if body.get(n) is not None), None)


def create_account(state, request):
    body = request.json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ApiError(422, "VALIDATION_ERROR", "name is required")
    capital = first_given(body, "initial_capital")
    capital = 0.0 if capital is None else capital
    if isinstance(capital, bool) or not isinstance(capital, (int, float)):
        raise ApiError(422, "VALIDATION_ERROR", "initial_capital must be a number")
    account = {"id": state.next_account_id, "user_id": 1, "name": name}
    if "description" in body:
        account["description"] = body["description"]
    account["model"] = first_given(body, "llm_model", "model")
    account["base_url"] = first_given(body, "llm_base_url", "base_url")
    account["account_type"] = first_given(body, "account_type") or "prompt"
    account["initial_capital"] = account["current_cash"] = float(capital)
    account["frozen_cash"] = 0.0
    # Given flags are honoured so that tests can create hidden or inactive accounts.
    account["is_active"] = first_given(body, "is_active") is not False
    account["show_on_dashboard"] = first_given(body, "show_on_dashboard") is not False
    account.update((k, v) for k, v in body.items() if k not in CONSUMED_FIELDS)
    state.next_account_id += 1
    state.accounts.append(account)
    return Reply.json(201, account)


def price(state, request):
    symbol = request.arg("symbol")
    if not symbol:
        raise ApiError(400, "VALIDATION_ERROR", "symbol is required")
    if symbol not in PRICES:
        raise ApiError(404, "SYMBOL_NOT_FOUND", "Unknown symbol: " + symbol)
    return Reply(200, PRICES[symbol].encode())


# ---------------------------------------------------------------------------------------------
# Control routes (/__standin/...). Never logged, never scripted; bad input is a 400.

class ControlError(Exception):
    pass


def control_requests(state, request):
    return Reply.json(200, state.log)


def control_reset(state, request):
    state.reset()
    return Reply.json(200, {})


def check_script_response(r):
    """Validates one scripted response up front, so a bad script changes nothing."""
    if not isinstance(r, dict):
        raise ControlError("each response must be an object")
    unknown = set(r) - {"status", "headers", "body", "json", "delay", "action", "stall",
                        "interval"}
    if unknown:
        raise ControlError("unknown response keys: %s" % sorted(unknown))
    status = r.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise ControlError("status must be an integer from 200 to 599")
    headers = r.get("headers", [])
    pairs = [list(p) for p in headers.items()] if isinstance(headers, dict) else headers
    if not isinstance(pairs, list):
        raise ControlError("headers must be an object or a list of [name, value]")
    for pair in pairs:
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)
                or any(c in "".join(pair) for c in "\r\n") or not pair[0]):
            raise ControlError("each header must be a [name, value] pair of strings without CR/LF")
    if "body" in r and "json" in r:
        raise ControlError("give either body or json, not both")
    if "body" in r and not isinstance(r["body"], str):
        raise ControlError("body must be a string")
    for key in ("delay", "stall", "interval"):
        value = r.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ControlError(key + " must be a non-negative number")
    if r.get("action") is not None and r["action"] not in FAULT_ACTIONS:
        raise ControlError("action must be one of %s" % sorted(FAULT_ACTIONS))


def control_script(state, request):
    try:
        spec = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ControlError("body must be JSON")
    if not isinstance(spec, dict):
        raise ControlError("body must be a JSON object")
    method, path, responses = spec.get("method"), spec.get("path"), spec.get("responses")
    if not isinstance(method, str) or not method:
        raise ControlError("method must be a non-empty string")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ControlError("path must be a string starting with /")
    if not isinstance(responses, list):
        raise ControlError("responses must be a list")
    for r in responses:
        check_script_response(r)
    queue = state.scripts[(method.upper(), path.split("?")[0])]
    queue.extend(responses)
    return Reply.json(200, {"queued": len(queue)})


class Route:
    """A method and a path; "{name}" segments of the path become request.params[name]."""

    def __init__(self, method, template, handler, auth=True):
        self.method, self.handler, self.auth = method, handler, auth
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.regex = re.compile(pattern + r"\Z")

    def match(self, path):
        m = self.regex.match(path)
        return None if m is None else {k: unquote(v) for k, v in m.groupdict().items()}


def api_routes(options):
    routes = [
        Route("GET", "/api/health", health, auth=False),
        Route("POST", "/api/users/login", login, auth=False),
        Route("POST", "/api/users/logout", logout),
        Route("GET", "/api/users/profile", profile),
        Route("GET", "/api/account/list", list_accounts),
        Route("POST", "/api/account/", create_account),
        Route("GET", "/api/crypto/price", price),
    ]
    # --no-logout imitates the servers that lack the endpoint (contract section 2.2).
    return [r for r in routes if not (options.no_logout and r.handler is logout)]


CONTROL_ROUTES = [
    Route("GET", "/__standin/requests", control_requests, auth=False),
    Route("POST", "/__standin/reset", control_reset, auth=False),
    Route("POST", "/__standin/script", control_script, auth=False),
]


def find_route(routes, method, path):
    """(route, params), or raises the FastAPI-style 404/405 a real server would give."""
    path_known = False
    for route in routes:
        params = route.match(path)
        if params is None:
            continue
        if route.method == method:
            return route, params
        path_known = True
    if path_known:
        raise DetailError(405, "Method Not Allowed")
    raise DetailError(404, "Not Found")


def bearer_token(headers):
    value = headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


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
            else:
                self.serve_api(request)
        except OSError:
            self.close_connection = True  # the client went away; nothing to answer

    def serve_control(self, request):
        state = self.server.state
        with state.lock:
            try:
                route, request.params = find_route(CONTROL_ROUTES, request.method, request.path)
                reply = route.handler(state, request)
            except DetailError as e:
                reply = Reply.json(e.status, {"detail": e.detail})
            except ControlError as e:
                reply = Reply.json(400, {"error": str(e)})
        self.write_reply(reply)

    def serve_api(self, request):
        state = self.server.state
        with state.lock:
            state.log.append({
                "method": request.method, "path": request.path, "query": request.query,
                "headers": [[k, v] for k, v in request.headers.items()],
                # latin-1 maps every byte to one code point, so the log is lossless.
                "body": request.body.decode("latin-1"),
            })
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
        except Exception as e:  # a stand-in bug: answer 500 so the test fails clearly, not hangs
            traceback.print_exc(file=sys.stderr)
            return Reply.json(500, {"error": "stand-in bug: %r" % e, "code": "STANDIN_BUG",
                                    "request_id": state.next_request_id()})

    # -- writing ------------------------------------------------------------------------------

    def write_reply(self, reply, extra_headers=()):
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
        self.send_response(r.get("status", 200))
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
        if action == "trickle":
            for i in range(len(body)):
                time.sleep(r.get("interval", 1.0))
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
        else:
            self.wfile.write(body)
            self.wfile.flush()
        if action == "no_content_length":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled or idle keep-alive connection never delays the exit
    allow_reuse_address = True

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


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local stand-in of the Hyperoru API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", action="append", default=[],
                        help="an extra token accepted for the seeded user (repeatable)")
    parser.add_argument("--login-token", help="the token every successful login issues")
    parser.add_argument("--no-logout", action="store_true",
                        help="answer 404 on POST /api/users/logout, like older servers")
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args(argv)

    if ":" in options.host:
        Server.address_family = socket.AF_INET6
    server = Server((options.host, options.port), Handler)
    server.state = State(options)
    server.routes = api_routes(options)
    port = server.server_address[1]
    try:
        # Installed before announcing the port, so a stop right after start-up is still clean.
        signal.signal(signal.SIGTERM, raise_stop)
        signal.signal(signal.SIGINT, raise_stop)
        print("PORT %d" % port, flush=True)
        if not options.quiet:
            print("hyperoru stand-in listening on http://%s:%d" % (options.host, port),
                  file=sys.stderr, flush=True)
        server.serve_forever()
    except Stop:
        pass
    finally:
        # A second signal during the shutdown must not end in a traceback either.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
