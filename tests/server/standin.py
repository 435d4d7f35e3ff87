#!/usr/bin/env python3
"""Local stand-in of the Hyperoru API for the integration and end-to-end tests.

A real HTTP/1.1 server (keep-alive, Content-Length, chunked request bodies) so that the client's
curl transport is exercised exactly as against the real service. It serves every endpoint of the
contract (/work/shared/api/CONTRACT.md, section 2.0: 77 endpoints) with the contract's example
payloads and plausible state. Besides the API routes it offers control endpoints under
/__standin/ to read the log of received requests, to reset the seeded state, to add generated
items and to script responses and connection faults.

Usage: standin.py [--host 127.0.0.1] [--port 0] [--token T]... [--login-token T] [--no-logout]
                  [--envelope] [--sse-framing chunked|close] [--sse-delay SECONDS]
                  [--demo | --no-demo] [--ws-demo-interval SECONDS]
                  [--tls-cert FILE --tls-key FILE] [--quiet]
Installed as hyperoru-sandbox, the offline sandbox of docs/install.md; run under that name it starts
in demo mode (seeded orders, WebSocket pushes every 3 s; see HELP_EPILOG), run as standin.py it
does not, and the test suites rely on that seeded state byte for byte.
Once listening it prints "PORT <n>" on stdout: the test harness waits for that line instead of
sleeping or polling the port. With --tls-cert/--tls-key (PEM files) everything, REST and /ws, is
served over TLS on that same port.

WebSocket: GET /ws with Upgrade: websocket (contract section 3), authenticated by
?session_token=<token> or, without it, by a first "connect" message; see the section "The
WebSocket side" below for the messages and the close codes.

Control endpoints (never logged, never scripted, no token):
  GET  /__standin/requests  the log of API requests received, oldest first; ?count=N first
                            waits until it holds N (10 s max)
  POST /__standin/reset     back to the seeded state, the demo orders included in demo mode
                            (log and scripts cleared too; also the WebSocket log, counters and
                            switches, open WebSockets dropped)
  POST /__standin/script    {"method", "path", "responses": [...]}: canned responses and faults
                            (each: status, reason, headers, body or json, delay, action, ...)
  POST /__standin/seed      {"kind": "accounts", "count": 250, "fields": {...}}: adds generated
                            items ("Trader 0001", ...) with ids continuing; kinds: SEED_KINDS
  The WebSocket side ("connection": n picks one open connection, numbered from 1 in the order
  accepted; without it, all open ones; answers {"ok": true, "connections": [n, ...]}):
  GET  /__standin/ws-log    [{"connection": n, "text": "..."}] (binary: "binary" latin-1), every
                            message received; ?count=N first waits until there are N
  GET  /__standin/ws/state  {"open", "accepted", "pongs", "pings"}; ?open=N waits until exactly N
                            are open, ?accepted=N ?pings=N ?pongs=N until at least N (10 s max)
  POST /__standin/ws/push   {"messages": ["<text>", {"binary": size}, {"fragmented": "<text>",
                            "pieces": k, "ping_between": bool}, {"large": total size}]}
  POST /__standin/ws/push-many  {"count": N, "type": "trades"}: N messages, "seq" 1..N, in order
  POST /__standin/ws/drop   TCP close without a close frame
  POST /__standin/ws/close  {"code": 1011, "reason": "going away"}: the close handshake
  POST /__standin/ws/silence  {"on": bool}: nothing is sent (not even pongs) while on
  POST /__standin/ws/ping   {"payload": "..."} (optional): a ping frame
  POST /__standin/ws/reject {"on": bool, "status": 401}: upgrades answered with that status
  POST /__standin/ws/flap   {"on": bool}: every connection accepted is closed at once (1011)
  POST /__standin/ws/flood  {"kind": "empty-fragments" | "pings" | "pongs", "seconds": 10}: for
                            that long (at most 60 s), every open connection and every one
                            accepted meanwhile gets frames as fast as the client takes them:
                            empty pings or unsolicited pongs, or a text frame without FIN and
                            then empty continuation frames without FIN (data frames wait until
                            the flood ends, which ends that message with an empty FIN frame).
                            A connection that closes is no longer flooded; a reset ends it all.

The list endpoints (users, accounts, the three order lists, klines data, backfill tasks,
programs, prompts, custom factors: the handlers that answer through paged()) honour page (from
1), per_page (default: the whole list) and limit (caps the items returned); with --envelope they
answer {"items", "total", "page", "per_page", "next"} instead of a bare array.
The Hyper AI chat (POST /api/hyper-ai/chat) streams SSE in deliberately awkward pieces (see
awkward_pieces); a message with the word "fail" ends in an error event, one with "cut" ends
without done.
Standard library only, so the tests need nothing but a Python 3 interpreter.
"""

import argparse
import base64
import binascii
import collections
import copy
import hashlib
import json
import os
import re
import secrets
import select
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

# The token the C++ harness knows as k_standin_token (tests/support/standin.hpp).
SEEDED_TOKEN = "hs_test_token_0123456789abcdef"
PASSWORD = "secret"
EXPIRES_AT = "2027-05-24T00:00:00Z"
# The stand-in's clock: every created_at / started_at it writes.
NOW = "2026-04-09T12:00:00Z"
LATER = "2026-04-09T12:05:00Z"

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
# Trades made before the stand-in started, per account (the overview's total_trades).
EARLIER_TRADES = {1: 42}

# Literal texts rather than json.dumps output: the client must keep number lexemes such as
# "67012.50" and "0.00000012" (which float formatting would rewrite) and accept a string price.
PRICES = {
    symbol: '{"symbol": "%s", "price": %s, "timestamp": "2026-11-25T12:00:00Z"}' % (symbol, price)
    for symbol, price in [("BTC", "67012.50"), ("ETH", "3450.25"), ("SOL", "142.7"),
                          ("PEPE", "0.00000012"), ("ARB", '"0.8125"')]
}

# Demo mode (--demo, the default when run as hyperoru-sandbox) adds these orders to the seeded
# state, one of each status on the two traders, shaped as create_order and the order routes make
# them (a price only on limit orders). Orders allocated later continue at DEMO_NEXT_ORDER_ID.
DEMO_ORDERS = [
    {"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit",
     "price": 66500.0, "quantity": 0.01, "status": "pending"},
    {"id": 43, "account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "market",
     "quantity": 0.5, "status": "executed"},
    {"id": 44, "account_id": 2, "symbol": "SOL", "side": "buy", "order_type": "limit",
     "price": 135.5, "quantity": 2.0, "status": "cancelled"},
    {"id": 45, "account_id": 2, "symbol": "BTC", "side": "sell", "order_type": "market",
     "quantity": 0.005, "status": "executed"},
]
FIRST_ORDER_ID = 42
DEMO_NEXT_ORDER_ID = 46
DEMO_PUSH_INTERVAL = 3.0  # seconds between WebSocket pushes in demo mode
# Run under this name (the installed stand-in), the program starts in demo mode.
SANDBOX_NAME = "hyperoru-sandbox"

SEEDED_PROGRAMS = [{"id": 1, "name": "Grid Bot", "code": "fn run(ctx) { ... }", "enabled": True,
                    "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_PROMPTS = [{"id": 1, "name": "BTC Trend Follower", "content": "Analyze BTC price action...",
                   "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_SIGNALS = [{"id": 1, "name": "RSI Oversold", "type": "threshold",
                   "config": {"indicator": "rsi", "threshold": 30, "direction": "below"},
                   "enabled": True}]
SEEDED_POOLS = [{"id": 1, "name": "Momentum Pool", "signals_count": 3, "logic": "and"}]
SEEDED_FACTORS = [{"id": 1, "name": "vol_momentum", "expression": "volume_change * momentum_1d",
                   "created_at": "2026-04-01T00:00:00Z"}]
SEEDED_BACKFILLS = [{"id": "bf-001", "symbol": "BTC", "interval": "1h", "status": "completed",
                     "progress_pct": 100.0, "exchange": "hyperliquid", "environment": "mainnet",
                     "period": "1h", "started_at": "2026-04-01T00:00:00Z",
                     "finished_at": "2026-04-01T00:02:00Z", "rows_written": 720}]

# Bodies larger than this are refused, so a bogus Content-Length cannot exhaust memory.
MAX_BODY = 64 * 1024 * 1024
FAULT_ACTIONS = {"close", "close_mid_body", "stall_after_headers", "trickle", "no_content_length",
                 "pause_at"}
TLS_HANDSHAKE_TIMEOUT = 10.0  # seconds
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


class ChatError(Exception):
    """The Hyper AI error body {"code", "details", "message"} (contract section 2.14)."""

    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


def missing_field(where, name):
    return {"loc": [where, name], "msg": "field required", "type": "value_error.missing"}


def invalid(message):
    return ApiError(422, "VALIDATION_ERROR", message)


class Raw:
    """A JSON value given as its literal text, written verbatim (exact number lexemes)."""

    def __init__(self, text):
        self.text = text


def dump(value, ascii_only=True):
    """json.dumps with the same default layout, except that Raw values are written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(str(k), ensure_ascii=ascii_only) + ": " +
                               dump(v, ascii_only) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(dump(v, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


class Reply:
    """What a route produces; written to the socket only after the state lock is released."""

    def __init__(self, status, body=b"", content_type="application/json", pieces=None):
        self.status, self.body, self.content_type = status, body, content_type
        self.pieces = pieces  # a streamed body: sent in these pieces, one flushed write each

    @staticmethod
    def json(status, value):
        return Reply(status, dump(value).encode())


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


class Collection:
    """A list of JSON objects with an "id" each, allocating ids from `next_id` on."""

    def __init__(self, label, code, seed, next_id):
        self.label, self.code = label, code  # for the 404: "<label> not found", code
        self.items = copy.deepcopy(list(seed))
        self.next_id = next_id

    def allocate(self):
        self.next_id += 1
        return self.next_id - 1

    def add(self, fields):
        """Stores a new item: a fresh id first, then `fields` in their order."""
        item = {"id": self.allocate(), **fields}
        self.items.append(item)
        return item

    def find(self, item_id):
        # Ids are compared as text: a path segment "7", a JSON 7 and a JSON "7" are the same id.
        key = str(item_id)
        return next((item for item in self.items if str(item["id"]) == key), None)

    def get(self, item_id):
        item = self.find(item_id)
        if item is None:
            raise ApiError(404, self.code, self.label + " not found")
        return item

    def delete(self, item_id):
        item = self.get(item_id)
        self.items.remove(item)
        return item


class State:
    """Everything a reset restores. Callers hold `lock` while touching any of it."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.logged = threading.Condition(self.lock)  # notified when a request is logged
        self.ws = WsHub()  # the WebSocket side; it has its own lock (see WsHub)
        self.reset()

    def reset(self):
        self.users = Collection("User", "USER_NOT_FOUND", [SEEDED_USER], 2)
        self.passwords = {1: PASSWORD}
        self.accounts = Collection("Account", "ACCOUNT_NOT_FOUND", SEEDED_ACCOUNTS, 3)
        self.deleted_accounts = set()  # soft-deleted: still listed with include_hidden, else 404
        # Tokens issued by login are forgotten too: a reset is a fresh server. Token -> user id.
        self.tokens = {token: 1 for token in [SEEDED_TOKEN, *self.options.token]}
        self.exchange_config = {"selected_exchange": "hyperliquid"}
        if self.options.demo:
            self.orders = Collection("Order", "ORDER_NOT_FOUND", DEMO_ORDERS, DEMO_NEXT_ORDER_ID)
        else:
            self.orders = Collection("Order", "ORDER_NOT_FOUND", [], FIRST_ORDER_ID)
        self.backfills = Collection("Backfill task", "TASK_NOT_FOUND", SEEDED_BACKFILLS, 123)
        self.programs = Collection("Program", "PROGRAM_NOT_FOUND", SEEDED_PROGRAMS, 2)
        self.program_backtests = Collection("Backtest", "BACKTEST_NOT_FOUND", [], 1)
        self.prompts = Collection("Prompt", "PROMPT_NOT_FOUND", SEEDED_PROMPTS, 2)
        self.prompt_backtests = Collection("Backtest task", "TASK_NOT_FOUND", [], 1)
        self.signals = Collection("Signal definition", "SIGNAL_NOT_FOUND", SEEDED_SIGNALS, 2)
        self.pools = Collection("Signal pool", "POOL_NOT_FOUND", SEEDED_POOLS, 2)
        self.factors = Collection("Factor", "FACTOR_NOT_FOUND", SEEDED_FACTORS, 2)
        # Conversation ids start above 2**53, where a double can no longer hold them exactly.
        self.conversations = Collection("Conversation", "CONVERSATION_NOT_FOUND", [],
                                        2 ** 53 + 1)
        self.ai_tasks = {}  # task id -> {"chunks", "polls", "failed"}
        self.seeded = collections.Counter()  # generated items per seed kind, for their names
        self.log = []
        self.scripts = collections.defaultdict(collections.deque)  # (method, path) -> responses
        self.error_count = 0
        self.ws.reset()  # its log and switches; open WebSocket connections are dropped

    def next_request_id(self):
        self.error_count += 1
        return "req_%06d" % self.error_count


# ---------------------------------------------------------------------------------------------
# Shared helpers of the route handlers.

def parse_bool(request, name):
    text = request.arg(name)
    if text is None or text.lower() in FALSE_WORDS:
        return False
    if text.lower() in TRUE_WORDS:
        return True
    raise DetailError(422, [{"loc": ["query", name], "msg": "value could not be parsed to a boolean",
                             "type": "type_error.bool"}])


def int_arg(request, name, minimum, default=None):
    """An integer query parameter, refused FastAPI-style (422 "detail") when malformed."""
    text = request.arg(name)
    if text is None:
        return default
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):
        raise DetailError(422, [{"loc": ["query", name], "msg": "value is not a valid integer",
                                 "type": "type_error.integer"}])
    value = int(text)
    if value < minimum:
        raise DetailError(422, [{"loc": ["query", name],
                                 "msg": "ensure this value is greater than or equal to %d"
                                        % minimum,
                                 "type": "value_error.number.not_ge",
                                 "ctx": {"limit_value": minimum}}])
    return value


def paged(state, request, items):
    """A list answer (contract section 1.10): page/per_page slice it, limit caps it, and
    --envelope wraps it in {"items", "total", "page", "per_page", "next"}."""
    page = int_arg(request, "page", 1, 1)
    per_page = int_arg(request, "per_page", 1)
    limit = int_arg(request, "limit", 1)
    total = len(items)
    size = total if per_page is None else per_page
    start = (page - 1) * size
    chosen = items[start:start + size]
    if limit is not None:
        chosen = chosen[:limit]
    if not state.options.envelope:
        return Reply.json(200, chosen)
    more = size > 0 and start + size < total
    return Reply.json(200, {"items": chosen, "total": total, "page": page, "per_page": size,
                            "next": page + 1 if more else None})


def fixed(value):
    """A handler that always answers 200 with `value`."""
    return lambda state, request: Reply.json(200, value)


def pick(item, fields):
    """The view of an item: `fields` in that order (absent ones skipped), or all of it."""
    return item if fields is None else {k: item[k] for k in fields if k in item}


def is_id(value):
    return ((isinstance(value, int) and not isinstance(value, bool))
            or (isinstance(value, str) and value != ""))


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Field kinds of the schemas below: the check and how a violation is worded.
KINDS = {
    "name": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "a boolean"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "number": (is_number, "a number"),
    "id": (is_id, "an integer or a string id"),
    "readonly": (lambda v: True, ""),  # set by the server; client values are ignored
}
MISSING = object()


class Field:
    def __init__(self, name, kind, required=False, default=MISSING):
        self.name, self.kind, self.required, self.default = name, kind, required, default


def validate(body, schema, creating):
    """422 for a missing required field (on create) or a value of the wrong kind.
    null counts as absent (contract section 5, item 3)."""
    for field in schema:
        value = body.get(field.name)
        if field.kind == "readonly":
            continue
        if value is None:
            if creating and field.required:
                raise invalid(field.name + " is required")
            continue
        check, what = KINDS[field.kind]
        if not check(value):
            raise invalid("%s must be %s" % (field.name, what))


def build_item(body, schema):
    """A new item's fields: the schema's in its order (defaults filled in), then any extra fields
    of the body, passed through as the contract's client rules expect."""
    validate(body, schema, creating=True)
    item = {}
    for field in schema:
        value = None if field.kind == "readonly" else body.get(field.name)
        if value is None:
            value = field.default
        if value is not MISSING:
            item[field.name] = copy.deepcopy(value)
    known = {field.name for field in schema}
    item.update((k, v) for k, v in body.items() if k not in known and k != "id" and v is not None)
    return item


def changes_of(body, schema):
    validate(body, schema, creating=False)
    readonly = {field.name for field in schema if field.kind == "readonly"}
    return {k: v for k, v in body.items() if k != "id" and k not in readonly and v is not None}


CHANGED = "changed"  # an update view: the id plus the fields the request changed
STATUS_OK = {"status": "ok"}


# CRUD handlers over the State collection named `attr`; `param` is the path parameter holding
# the id, `fields` the view of the item in the answer.

def list_items(attr, fields=None):
    def handler(state, request):
        return paged(state, request, [pick(item, fields) for item in getattr(state, attr).items])
    return handler


def get_item(attr, param, fields=None):
    def handler(state, request):
        return Reply.json(200, pick(getattr(state, attr).get(request.params[param]), fields))
    return handler


def create_item(attr, schema, fields=None):
    def handler(state, request):
        item = getattr(state, attr).add(build_item(request.json_body(), schema))
        return Reply.json(201, pick(item, fields))
    return handler


def update_item(attr, param, schema, fields=None):
    def handler(state, request):
        changes = changes_of(request.json_body(), schema)
        item = getattr(state, attr).get(request.params[param])
        item.update(changes)
        if fields == CHANGED:
            return Reply.json(200, {"id": item["id"], **{k: item[k] for k in changes}})
        return Reply.json(200, pick(item, fields))
    return handler


def delete_item(attr, param, answer=None):
    """204 when `answer` is None, else 200 with it."""
    def handler(state, request):
        getattr(state, attr).delete(request.params[param])
        return Reply(204) if answer is None else Reply.json(200, answer)
    return handler


# ---------------------------------------------------------------------------------------------
# API routes. Each handler runs under the state lock and returns a Reply or raises an error.

def health(state, request):
    return Reply.json(200, {"status": "healthy"})


# -- users and sessions (contract section 2.2) ---------------------------------------------------

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
    user = next((u for u in state.users.items if u[login_field] == body[login_field]
                 and state.passwords.get(u["id"]) == body["password"]), None)
    if user is None:
        raise ApiError(401, "INVALID_CREDENTIALS", "Invalid credentials")
    token = state.options.login_token or "hs_" + secrets.token_hex(16)
    state.tokens[token] = user["id"]
    return Reply.json(200, {"user": user, "session_token": token, "expires_at": EXPIRES_AT})


def logout(state, request):
    state.tokens.pop(request.token, None)
    return Reply.json(200, {"status": "ok"})


def current_user(state, request):
    return state.users.get(state.tokens[request.token])


def profile(state, request):
    return Reply.json(200, current_user(state, request))


def check_unique(state, user, username, email):
    for other in state.users.items:
        if other is user:
            continue
        if username is not None and other["username"] == username:
            raise ApiError(409, "USERNAME_TAKEN", "Username already taken")
        if email is not None and other["email"] == email:
            raise ApiError(409, "EMAIL_TAKEN", "Email already registered")


USER_SCHEMA = [Field("username", "name", required=True), Field("email", "str"),
               Field("password", "name", required=True)]


def register(state, request):
    body = request.json_body()
    validate(body, USER_SCHEMA, creating=True)
    check_unique(state, None, body["username"], body.get("email"))
    user = state.users.add({"username": body["username"], "email": body.get("email"),
                            "is_active": True})
    state.passwords[user["id"]] = body["password"]
    return Reply.json(201, user)


def update_profile(state, request):
    body = request.json_body()
    validate(body, USER_SCHEMA[:2], creating=False)
    user = current_user(state, request)
    check_unique(state, user, body.get("username"), body.get("email"))
    user.update((k, body[k]) for k in ("username", "email") if body.get(k) is not None)
    return Reply.json(200, user)


def list_users(state, request):
    return paged(state, request, state.users.items)


def exchange_config(state, request):
    return Reply.json(200, state.exchange_config)


def set_exchange_config(state, request):
    body = request.json_body()
    validate(body, [Field("selected_exchange", "name", required=True)], creating=True)
    state.exchange_config.update(body)
    return Reply.json(200, state.exchange_config)


# -- accounts (contract section 2.3) -------------------------------------------------------------

def list_accounts(state, request):
    include_hidden = parse_bool(request, "include_hidden")
    return paged(state, request, [a for a in state.accounts.items
                                  if include_hidden or a["show_on_dashboard"]])


# Create-account fields that are consumed into the fixed part of the response, or never echoed.
CONSUMED_FIELDS = {"id", "user_id", "name", "description", "llm_model", "model", "llm_base_url",
                   "base_url", "account_type", "initial_capital", "current_cash", "frozen_cash",
                   "is_active", "show_on_dashboard", "llm_api_key", "api_key"}
SECRET_FIELDS = {"llm_api_key", "api_key"}  # accepted, never stored nor echoed
ACCOUNT_ALIASES = {"llm_model": "model", "llm_base_url": "base_url"}


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
    account = {"user_id": 1, "name": name}
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
    return Reply.json(201, state.accounts.add(account))


def live_account(state, account_id):
    """The account, or 404 when it is unknown or soft-deleted."""
    account = state.accounts.get(account_id)
    if account["id"] in state.deleted_accounts:
        raise ApiError(404, state.accounts.code, "Account not found")
    return account


def default_overview(state, request):
    user_id = state.tokens[request.token]
    account = next((a for a in state.accounts.items if a["user_id"] == user_id
                    and a["is_active"] and a["id"] not in state.deleted_accounts), None)
    if account is None:
        raise ApiError(404, "ACCOUNT_NOT_FOUND", "Account not found")
    return Reply.json(200, {"account": account, "positions_value": 0.0,
                            "total_assets": account["current_cash"] + 0.0})


def account_overview(state, request):
    account = live_account(state, request.params["account_id"])
    executed = sum(1 for o in state.orders.items
                   if o["account_id"] == account["id"] and o["status"] == "executed")
    return Reply.json(200, {"id": account["id"], "name": account["name"],
                            "model": account.get("model"), "trading_enabled": account["is_active"],
                            "total_trades": EARLIER_TRADES.get(account["id"], 0) + executed})


def update_account(state, request):
    body = request.json_body()
    if "name" in body and (not isinstance(body["name"], str) or not body["name"]):
        raise invalid("name must be a non-empty string")
    account = live_account(state, request.params["account_id"])
    for key, value in body.items():
        if key not in SECRET_FIELDS and key not in ("id", "user_id"):
            account[ACCOUNT_ALIASES.get(key, key)] = value
    return Reply.json(200, account)


def delete_account(state, request):
    # A soft delete: inactive and hidden, still listed with include_hidden=true.
    account = live_account(state, request.params["account_id"])
    account["is_active"] = account["show_on_dashboard"] = False
    state.deleted_accounts.add(account["id"])
    return Reply(204)


def account_strategy(state, request):
    account = live_account(state, request.params["account_id"])
    kind = account.get("account_type") or "prompt"
    bound = "program_id" if kind == "program" else "prompt_id"
    return Reply.json(200, {"account_id": account["id"], "strategy_type": kind, bound: 1,
                            "trigger_interval_minutes": 60})


# -- market price (contract section 2.4) ---------------------------------------------------------

def price(state, request):
    symbol = request.arg("symbol")
    if not symbol:
        raise ApiError(400, "VALIDATION_ERROR", "symbol is required")
    if symbol not in PRICES:
        raise ApiError(404, "SYMBOL_NOT_FOUND", "Unknown symbol: " + symbol)
    return Reply(200, PRICES[symbol].encode())


# -- orders (contract section 2.5) ---------------------------------------------------------------

ORDER_SCHEMA = [Field("account_id", "id", required=True), Field("symbol", "name", required=True),
                Field("name", "name", required=True), Field("side", "name", required=True),
                Field("order_type", "name", required=True), Field("price", "number"),
                Field("quantity", "number", required=True)]


def create_order(state, request):
    body = request.json_body()
    validate(body, ORDER_SCHEMA, creating=True)
    if body["side"] not in ("buy", "sell"):
        raise invalid("side must be buy or sell")
    if body["order_type"] not in ("market", "limit"):
        raise invalid("order_type must be market or limit")
    if body["order_type"] == "limit" and body.get("price") is None:
        raise invalid("price is required for limit orders")
    for name in ("price", "quantity"):
        if body.get(name) is not None and body[name] <= 0:
            raise invalid(name + " must be positive")
    account = live_account(state, body["account_id"])
    # The documented answer echoes no name; the request log keeps it.
    order = {"account_id": account["id"], "symbol": body["symbol"], "side": body["side"],
             "order_type": body["order_type"]}
    if body.get("price") is not None:
        order["price"] = body["price"]
    order.update(quantity=body["quantity"], status="pending")
    return Reply.json(201, state.orders.add(order))


def pending_orders(state, request):
    return paged(state, request, [o for o in state.orders.items if o["status"] == "pending"])


def user_orders(state, request):
    user = state.users.get(request.params["user_id"])
    owned = {a["id"] for a in state.accounts.items if a["user_id"] == user["id"]}
    return paged(state, request, [o for o in state.orders.items if o["account_id"] in owned])


def account_orders(state, request):
    account = live_account(state, request.params["account_id"])
    return paged(state, request, [o for o in state.orders.items
                                  if o["account_id"] == account["id"]])


def pending_order(state, request):
    order = state.orders.get(request.params["order_id"])
    if order["status"] != "pending":
        raise ApiError(409, "ORDER_NOT_PENDING", "Order is not pending")
    return order


def execute_order(state, request):
    order = pending_order(state, request)
    order["status"] = "executed"
    return Reply.json(200, {"status": "ok", "order_id": order["id"], "execution_status": "filled"})


def cancel_order(state, request):
    order = pending_order(state, request)
    order["status"] = "cancelled"
    return Reply.json(200, {"status": "ok", "order_id": order["id"]})


def process_orders(state, request):
    pending = [o for o in state.orders.items if o["status"] == "pending"]
    for order in pending:
        order["status"] = "executed"
    return Reply.json(200, {"processed": len(pending), "succeeded": len(pending), "failed": 0})


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


def decimal_text(units, decimals):
    digits = str(abs(units)).rjust(decimals + 1, "0")
    return Raw(("-" if units < 0 else "") + digits[:-decimals] + "." + digits[-decimals:])


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


# -- programs (contract section 2.7) -------------------------------------------------------------

PROGRAM_SCHEMA = [Field("name", "name", required=True), Field("code", "str", required=True),
                  Field("description", "str"), Field("enabled", "bool", default=True),
                  Field("created_at", "readonly", default=NOW)]
PROGRAM_LISTED = ("id", "name", "enabled", "created_at")
PROGRAM_CREATED = ("id", "name", "created_at")
DEV_GUIDE = {"guide": "# Program Development Guide\n\n## Context Object\n..."}
TEST_RUN = {"status": "ok", "result": {"action": "buy", "quantity": 0.01,
                                       "reason": "Grid level hit"}}
list_programs = list_items("programs", PROGRAM_LISTED)
create_program = create_item("programs", PROGRAM_SCHEMA, PROGRAM_CREATED)
get_program = get_item("programs", "id")
update_program = update_item("programs", "id", PROGRAM_SCHEMA)
delete_program = delete_item("programs", "id")
BACKTEST_TRADES = [
    {"symbol": "BTC", "side": "buy", "quantity": 0.05, "entry_price": Raw("67000.0"),
     "exit_price": Raw("67200.0"), "pnl": Raw("10.0"), "opened_at": "2025-01-02T00:00:00Z",
     "closed_at": "2025-01-02T04:00:00Z"},
    {"symbol": "ETH", "side": "sell", "quantity": 1.0, "entry_price": Raw("3450.25"),
     "exit_price": Raw("3400.25"), "pnl": Raw("50.0"), "opened_at": "2025-01-03T00:00:00Z",
     "closed_at": "2025-01-03T08:00:00Z"},
    {"symbol": "SOL", "side": "buy", "quantity": 10.0, "entry_price": Raw("142.70"),
     "exit_price": Raw("141.20"), "pnl": Raw("-15.0"), "opened_at": "2025-01-04T00:00:00Z",
     "closed_at": "2025-01-04T12:00:00Z"},
]


def program_signal_pools(state, request):
    return Reply.json(200, [pick(p, ("id", "name", "signals_count")) for p in state.pools.items])


def program_accounts(state, request):
    return Reply.json(200, [pick(a, ("id", "name", "account_type")) for a in state.accounts.items
                            if a["id"] not in state.deleted_accounts])


def program_test_run(state, request):
    body = request.json_body()
    validate(body, [Field("program_id", "id", required=True), Field("symbol", "name")], True)
    state.programs.get(body["program_id"])
    return Reply.json(200, TEST_RUN)


def program_validate(state, request):
    body = request.json_body()
    validate(body, [Field("code", "str", required=True)], creating=True)
    errors, depth, line = [], 0, 1
    for char in body["code"]:
        line += char == "\n"
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            errors.append({"line": line, "message": "unexpected '}'"})
            break
    if depth > 0:
        errors.append({"line": line, "message": "missing '}'"})
    return Reply.json(200, {"valid": not errors, "errors": errors})


def program_backtest(state, request):
    body = request.json_body()
    config = body.get("config") if isinstance(body.get("config"), dict) else {}
    initial = config.get("initial_balance")
    initial = initial if is_number(initial) else 10000.0
    backtest = state.program_backtests.add({
        "status": "completed", "account_id": body.get("account_id"),
        "program_id": body.get("program_id"), "started_at": NOW, "finished_at": LATER,
        "total_pnl": 45.0, "total_trades": 3, "win_rate": 0.6667})
    return Reply.json(200, {"backtest": backtest,
                            "metrics": {"initial_balance": initial, "final_balance": initial + 45.0,
                                        "sharpe_ratio": 1.42, "max_drawdown_pct": 0.15},
                            "trades": BACKTEST_TRADES})


# -- prompts and prompt backtests (contract sections 2.8 and 2.9) --------------------------------

PROMPT_SCHEMA = [Field("name", "name", required=True), Field("content", "str", required=True),
                 Field("created_at", "readonly", default=NOW)]
PROMPT_BRIEF = ("id", "name", "content")
list_prompts = list_items("prompts")
create_prompt = create_item("prompts", PROMPT_SCHEMA)
get_prompt = get_item("prompts", "id")
update_prompt = update_item("prompts", "id", PROMPT_SCHEMA, PROMPT_BRIEF)
delete_prompt = delete_item("prompts", "id", STATUS_OK)


def copy_prompt(state, request):
    template = state.prompts.get(request.params["template_id"])
    prompt = state.prompts.add({"name": template["name"] + " (copy)",
                                "content": template["content"], "created_at": NOW})
    return Reply.json(201, pick(prompt, PROMPT_BRIEF))


def rename_prompt(state, request):
    body = request.json_body()
    validate(body, [Field("name", "name", required=True)], creating=True)
    prompt = state.prompts.get(request.params["id"])
    prompt["name"] = body["name"]
    return Reply.json(200, pick(prompt, PROMPT_BRIEF))


def preview_prompt(state, request):
    """Renders a template: "content", or the prompt "prompt_id"; {{name}} and {name}
    placeholders are filled from "variables" (symbol defaults to BTC), others stay."""
    body = request.json_body()
    validate(body, [Field("content", "str"), Field("prompt_id", "id"),
                    Field("variables", "object")], creating=False)
    if body.get("content") is not None:
        content = body["content"]
    elif body.get("prompt_id") is not None:
        content = state.prompts.get(body["prompt_id"])["content"]
    else:
        raise invalid("content or prompt_id is required")
    variables = {"symbol": "BTC", **(body.get("variables") or {})}

    def fill(match):
        name = match.group(1) or match.group(2)
        return str(variables[name]) if name in variables else match.group(0)
    rendered = re.sub(r"\{\{(\w+)\}\}|\{(\w+)\}", fill, content)
    return Reply.json(200, {"rendered": rendered, "length": len(rendered)})


def check_chat_start(body, fail):
    """The ChatStart body (contract section 2.14); fail(message) raises the route's error."""
    if not isinstance(body.get("context"), dict):
        fail("context is required" if body.get("context") is None else "context must be an object")
    if not isinstance(body.get("message"), str):
        fail("message is required" if body.get("message") is None else "message must be a string")
    conversation = body.get("conversation_id")
    if conversation is not None and not (is_id(conversation) and str(conversation).isdigit()):
        fail("conversation_id must be an integer")
    skills = body.get("skill_ids")
    if skills is not None and not (isinstance(skills, list) and all(
            is_number(s) and not isinstance(s, float) for s in skills)):
        fail("skill_ids must be an array of integers")


def word(text, name):
    return re.search(r"\b%s\b" % name, text, re.IGNORECASE) is not None


def raise_invalid(message):
    raise invalid(message)


AI_TASK_TEXT = ["Here is a momentum prompt: ", "Analyze {{symbol}} momentum on the 1h chart.",
                " Done \u2713"]


def prompt_ai_chat(state, request):
    body = request.json_body()
    check_chat_start(body, raise_invalid)
    task_id = "task-%d" % (len(state.ai_tasks) + 1)
    failed = word(body["message"], "fail")
    texts = AI_TASK_TEXT[:1] if failed else AI_TASK_TEXT
    chunks = [{"index": i, "kind": "text", "metadata": {}, "content": text}
              for i, text in enumerate(texts)]
    state.ai_tasks[task_id] = {"chunks": chunks, "polls": 0, "failed": failed}
    return Reply.json(200, {"status": "queued", "task_id": task_id})


def poll_ai_stream(state, request):
    """Chunks become available two per poll; a task asked to "fail" fails after its first."""
    task_id = request.params["task_id"]
    task = state.ai_tasks.get(task_id)
    if task is None:
        raise ApiError(404, "TASK_NOT_FOUND", "Task not found")
    since = int_arg(request, "since", 0, 0)
    task["polls"] += 1
    chunks = task["chunks"]
    available = min(2 * task["polls"], len(chunks))
    done = available == len(chunks)
    answer = {"task_id": task_id,
              "status": ("failed" if task["failed"] else "completed") if done else "running",
              "chunks": chunks[since:available], "is_done": done,
              "next_cursor": max(since, available)}
    if done and task["failed"]:
        answer["error"] = {"message": "model unavailable", "code": "MODEL_ERROR"}
    return Reply.json(200, answer)


def samples(config):
    """Snapshots of a backtest config: symbols times candles between its dates (0 if unclear)."""
    try:
        seconds = INTERVALS[config.get("interval") or "1h"]
        start = parse_time(config.get("start_date"), "start_date")
        end = parse_time(config.get("end_date"), "end_date")
        symbols = config.get("symbols") or ["BTC"]
        return max(0, int((end - start).total_seconds() // seconds)) * len(symbols)
    except (ApiError, KeyError, TypeError, AttributeError):
        return 0


def prompt_backtest(state, request):
    body = request.json_body()
    config = body.get("config") if isinstance(body.get("config"), dict) else {}
    task = state.prompt_backtests.add({
        "status": "queued", "account_id": first_given(body, "account_id", "trader_id"),
        "started_at": None, "finished_at": None, "progress": 0.0,
        "sample_count": samples(config)})
    return Reply.json(202, task)


# -- signals (contract section 2.10) -------------------------------------------------------------

SIGNAL_SCHEMA = [Field("name", "name", required=True), Field("type", "name", required=True),
                 Field("config", "object", required=True), Field("enabled", "bool", default=True)]
SIGNAL_LISTED = ("id", "name", "type", "enabled")
SIGNAL_DETAIL = ("id", "name", "type", "config")
SIGNAL_UPDATED = ("id", "name", "config")
POOL_LISTED = ("id", "name", "signals_count")
create_signal = create_item("signals", SIGNAL_SCHEMA, SIGNAL_LISTED)
get_signal = get_item("signals", "signal_id", SIGNAL_DETAIL)
update_signal = update_item("signals", "signal_id", SIGNAL_SCHEMA, SIGNAL_UPDATED)
delete_signal = delete_item("signals", "signal_id")


def list_signals(state, request):
    return Reply.json(200, {"definitions": [pick(s, SIGNAL_LISTED) for s in state.signals.items],
                            "pools": [pick(p, POOL_LISTED) for p in state.pools.items]})


def create_pool(state, request):
    body = request.json_body()
    validate(body, [Field("name", "name", required=True), Field("logic", "name")], True)
    logic = body.get("logic") or "and"
    if logic not in ("and", "or"):
        raise invalid("logic must be and or or")
    ids, inline = body.get("signal_ids"), body.get("signals")
    if ids is not None:
        if not isinstance(ids, list) or not all(is_id(i) for i in ids):
            raise invalid("signal_ids must be an array of ids")
        for signal_id in ids:
            state.signals.get(signal_id)
    count = len(ids) if ids is not None else len(inline) if isinstance(inline, list) else 0
    pool = {"name": body["name"], "signals_count": count, "logic": logic}
    pool.update((k, v) for k, v in body.items()
                if k not in ("id", "name", "logic", "signals_count") and v is not None)
    return Reply.json(201, state.pools.add(pool))


# -- factors (contract section 2.11) -------------------------------------------------------------

FACTOR_SCHEMA = [Field("name", "name", required=True), Field("expression", "name", required=True),
                 Field("description", "str"), Field("created_at", "readonly", default=NOW)]
FACTOR_LISTED = ("id", "name", "expression", "description", "created_at")
FACTOR_CREATED = ("id", "name", "expression")
list_factors = list_items("factors", FACTOR_LISTED)
create_factor = create_item("factors", FACTOR_SCHEMA, FACTOR_CREATED)
update_factor = update_item("factors", "factor_id", FACTOR_SCHEMA, CHANGED)
delete_factor = delete_item("factors", "factor_id", STATUS_OK)
# Built-in factors: name, ic, rank_ic, win_rate in hundredths. The last name needs encoding.
BUILTIN_FACTORS = [("momentum_1d", 12, 15, 58), ("funding_rate", -4, -2, 47),
                   ("btc/eth ratio", 7, 9, 53)]
CUSTOM_FACTOR_SCORES = (5, 6, 51)
FACTOR_WINDOWS = [("1d", 0), ("7d", 2), ("30d", -3)]  # ic offsets in hundredths


def factor_scores(state):
    rows = list(BUILTIN_FACTORS)
    rows += [(f["name"], *CUSTOM_FACTOR_SCORES) for f in state.factors.items]
    return rows


def factor_effectiveness(state, request):
    return Reply.json(200, [{"factor_name": name, "ic": decimal_text(ic, 2),
                             "rank_ic": decimal_text(rank_ic, 2),
                             "win_rate": decimal_text(win_rate, 2)}
                            for name, ic, rank_ic, win_rate in factor_scores(state)])


def factor_named(state, request):
    name = request.params["factor_name"]  # percent-decoded by the route
    row = next((row for row in factor_scores(state) if row[0] == name), None)
    if row is None:
        raise ApiError(404, "FACTOR_NOT_FOUND", "Factor not found: " + name)
    return row


def factor_history(state, request):
    ic = factor_named(state, request)[1]
    return Reply.json(200, [{"date": "2026-04-01", "ic": decimal_text(ic - 2, 2)},
                            {"date": "2026-04-08", "ic": decimal_text(ic + 2, 2)}])


def factor_by_window(state, request):
    name, ic, rank_ic, win_rate = factor_named(state, request)
    return Reply.json(200, [{"factor_name": name, "window": window,
                             "ic": decimal_text(ic + shift, 2),
                             "rank_ic": decimal_text(rank_ic + shift, 2),
                             "win_rate": decimal_text(win_rate, 2)}
                            for window, shift in FACTOR_WINDOWS])


# -- analytics (contract section 2.12) -----------------------------------------------------------

BY_STRATEGY = [{"strategy": "prompt", "trades": 100, "win_rate": 0.65, "pnl": 2500.0},
               {"strategy": "program", "trades": 50, "win_rate": 0.56, "pnl": 700.0}]
BY_ACCOUNT = [{"account_id": 1, "account_name": "Main", "trades": 80, "pnl": 2000.0}]
BY_SYMBOL = [{"symbol": "BTC", "trades": 60, "win_rate": 0.68, "pnl": 1800.0},
             {"symbol": "ETH", "trades": 40, "win_rate": 0.55, "pnl": 500.0}]
BY_OPERATION = [{"operation": "buy", "trades": 90, "win_rate": 0.64, "pnl": 2200.0},
                {"operation": "sell", "trades": 60, "win_rate": 0.58, "pnl": 1000.0}]
BY_TRIGGER_TYPE = [{"trigger_type": "ai_decision", "trades": 100, "pnl": 2500.0},
                   {"trigger_type": "signal", "trades": 30, "pnl": 400.0},
                   {"trigger_type": "manual", "trades": 20, "pnl": 300.0}]
BY_FACTOR = [{"factor_name": "momentum_1d", "trades": 70, "win_rate": 0.61, "pnl": 1900.0},
             {"factor_name": "funding_rate", "trades": 30, "win_rate": 0.5, "pnl": 250.0}]


def analytics_summary(state, request):
    days = int_arg(request, "days", 1, 30)  # the documented 30 days: 150 trades, 3200.0 PnL
    return Reply.json(200, {"total_trades": 5 * days, "win_rate": 0.62,
                            "total_pnl": round(3200.0 * days / 30, 2), "avg_return_pct": 1.8})


# -- hyperliquid (contract section 2.13) ---------------------------------------------------------

MAIN_POSITIONS = Raw(
    '[{"symbol": "BTC", "side": "long", "size": 0.05, "entry_price": 65500.0, '
    '"mark_price": 67012.50, "leverage": 3, "liquidation_price": 45210.75, '
    '"unrealized_pnl": 75.625}, '
    '{"symbol": "ETH", "side": "short", "size": 1.2, "entry_price": 3500.25, '
    '"mark_price": 3450.25, "leverage": 2, "liquidation_price": null, "unrealized_pnl": 60.0}]')
MAIN_BALANCE = {"available": 9876.54, "environment": "mainnet", "exchange": "hyperliquid",
                "total_equity": 12345.67, "margin_used": 1500, "unrealized_pnl": 0.05}


def hl_positions(state, request):
    account = live_account(state, request.params["account_id"])
    if account["id"] == 1:
        return Reply.json(200, {"positions": MAIN_POSITIONS, "total_count": 2,
                                "total_unrealized_pnl": Raw("135.625")})
    return Reply.json(200, {"positions": [], "total_count": 0, "total_unrealized_pnl": 0.0})


def balance_of(account):
    if account["id"] == 1:
        return MAIN_BALANCE
    cash = account.get("current_cash", 0.0)
    return {"available": cash, "environment": account.get("hyperliquid_environment", "mainnet"),
            "exchange": "hyperliquid", "total_equity": cash, "margin_used": 0.0,
            "unrealized_pnl": 0.0}


def hl_balance(state, request):
    return Reply.json(200, balance_of(live_account(state, request.params["account_id"])))


def hl_state(state, request):
    account = live_account(state, request.params["account_id"])
    balance = balance_of(account)
    return Reply.json(200, {"id": 1000 + account["id"], "account_id": account["id"],
                            "environment": balance["environment"],
                            "balance_available": balance["available"],
                            "balance_total": balance["total_equity"],
                            "margin_used": balance["margin_used"],
                            "unrealized_pnl": balance["unrealized_pnl"], "taken_at": NOW})


# -- Hyper AI (contract sections 2.14 and 4) -----------------------------------------------------

def raise_chat_error(message):
    raise ChatError(422, "VALIDATION_ERROR", message, {"loc": ["body"]})


def create_conversation(state, request):
    body = request.json_body()
    check_chat_start(body, raise_chat_error)
    conversation = state.conversations.add({"title": None, "message_count": 0,
                                            "created_at": NOW, "updated_at": NOW})
    return Reply.json(201, conversation)


def sse_event(kind, *data_lines, before=""):
    data = "".join("data: %s\r\n" % line for line in data_lines)
    return before + "event: %s\r\n" % kind + data + "\r\n"


def sse_json(value):
    return dump(value, ascii_only=False)  # multi-byte UTF-8 travels as such


SSE_PING = ": ping\r\n\r\n"


def sse_token(text):
    return sse_event("token", sse_json({"content": text}))


def chat_stream_text(conversation_id, message):
    """The SSE body of one chat turn, CRLF line ends as sse-starlette writes them."""
    text = sse_event("status", sse_json({"conversation_id": conversation_id}),
                     before="retry: 15000\r\nid: evt-1\r\n") + SSE_PING
    if word(message, "fail"):
        return (text + sse_token("Let me check") +
                sse_event("error", sse_json({"message": "model unavailable",
                                             "code": "MODEL_ERROR"})) +
                sse_event("done", "[DONE]"))
    if word(message, "cut"):
        # The stream ends in the middle of an event, without done.
        return text + sse_token("Partial answer") + 'event: token\r\ndata: {"content": " and mo'
    return (text + sse_token("Hello") +
            sse_event("token", '{"content":', '" from Hyper AI."}') +  # two data lines
            sse_event("tool_call", sse_json({"name": "get_price",
                                             "arguments": {"symbol": "BTC"}})) +
            SSE_PING + sse_token(" BTC trades at 67012.50 \U0001F4C8") +
            sse_token(" \u2014 caf\u00e9, na\u00efve \u2713") + sse_event("done", "[DONE]"))


# Where the stream is cut besides after every blank line: (marker, offset into it), at the first
# occurrence: inside a field name, between CR and LF of a line end and of a blank line, inside a
# four-byte and a two-byte UTF-8 sequence, and inside the [DONE] data.
AWKWARD_CUTS = [(b"retry", 3), (b"event: status\r\n", 14), (b"}\r\n\r\n", 4),
                ("\U0001F4C8".encode(), 2), ("\u00e9".encode(), 1), (b"[DONE]", 3)]


def awkward_pieces(data):
    cuts = {data.find(marker) + offset for marker, offset in AWKWARD_CUTS if marker in data}
    at = data.find(b"\r\n\r\n")
    while at >= 0:
        cuts.add(at + 4)
        at = data.find(b"\r\n\r\n", at + 4)
    cuts = sorted(c for c in cuts if 0 < c < len(data))
    return [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]


def hyper_ai_chat(state, request):
    body = request.json_body()
    check_chat_start(body, raise_chat_error)
    if body.get("conversation_id") is None:
        conversation = state.conversations.add({"title": None, "message_count": 0,
                                                "created_at": NOW, "updated_at": NOW})
    else:
        conversation = state.conversations.get(body["conversation_id"])
    conversation["message_count"] += 2
    conversation["updated_at"] = NOW
    text = chat_stream_text(conversation["id"], body["message"]).encode("utf-8")
    return Reply(200, content_type="text/event-stream", pieces=awkward_pieces(text))


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

    def __init__(self):
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
            replies, close = ws_answer(self.state, self, text)
        for reply in replies:
            self.send(ws_frame(WS_TEXT, reply.encode("utf-8")))
        if close is not None:
            self.start_close(*close)


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
    return "bootstrap", WS_BOOTSTRAP_HEAD + dump(active) + "}"


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
    if account["id"] == 1:
        return "snapshot", WS_MAIN_SNAPSHOT
    return "snapshot", dump({"equity": float(account.get("current_cash", 0.0)), "positions": []})


def ws_asset_curve(state, connection, data):
    account = live_account(state, ws_id(data, "account_id"))
    timeframe = data.get("timeframe", "7d")
    if timeframe != "7d":  # the only documented timeframe
        raise invalid("timeframe must be 7d")
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


def wait_targets(request, names):
    """{name: n} of the query parameters among `names`, each a non-negative integer."""
    wanted = {}
    for name in names:
        text = request.arg(name)
        if text is not None:
            if not text.isdigit():
                raise ControlError(name + " must be a non-negative integer")
            wanted[name] = int(text)
    return wanted


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


# ---------------------------------------------------------------------------------------------
# Control routes (/__standin/...). Never logged, never scripted; bad input is a 400.

class ControlError(Exception):
    pass


def control_requests(state, request):
    """The request log; ?count=N first waits until it holds N requests (at most WS_WAIT_LIMIT)."""
    wanted = wait_targets(request, ["count"]).get("count", 0)
    state.logged.wait_for(lambda: len(state.log) >= wanted, WS_WAIT_LIMIT)
    return Reply.json(200, state.log)


def control_reset(state, request):
    state.reset()
    return Reply.json(200, {})


def check_script_response(r):
    """Validates one scripted response up front, so a bad script changes nothing."""
    if not isinstance(r, dict):
        raise ControlError("each response must be an object")
    unknown = set(r) - {"status", "reason", "headers", "body", "json", "delay", "action", "stall",
                        "interval", "at"}
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
    reason = r.get("reason", "")
    if not isinstance(reason, str) or any(c in reason for c in "\r\n"):
        raise ControlError("reason must be a string without CR/LF")
    if "body" in r and "json" in r:
        raise ControlError("give either body or json, not both")
    if "body" in r and not isinstance(r["body"], str):
        raise ControlError("body must be a string")
    for key in ("delay", "stall", "interval", "at"):
        value = r.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ControlError(key + " must be a non-negative number")
    if r.get("action") is not None and r["action"] not in FAULT_ACTIONS:
        raise ControlError("action must be one of %s" % sorted(FAULT_ACTIONS))


def control_object(request):
    """The JSON object a control request carries, or a ControlError saying what is wrong."""
    try:
        spec = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ControlError("body must be JSON")
    if not isinstance(spec, dict):
        raise ControlError("body must be a JSON object")
    return spec


def control_script(state, request):
    spec = control_object(request)
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


# What POST /__standin/seed can generate: kind -> (State collection, item of the n-th generated).
SEED_KINDS = {
    "accounts": ("accounts", lambda n: {
        "user_id": 1, "name": "Trader %04d" % n, "model": "gpt-4o", "account_type": "prompt",
        "initial_capital": 1000.0, "current_cash": 1000.0, "frozen_cash": 0.0, "is_active": True,
        "show_on_dashboard": True, "hyperliquid_enabled": False,
        "hyperliquid_environment": "mainnet", "default_leverage": 1, "max_leverage": 3}),
    "orders": ("orders", lambda n: {
        "account_id": 1, "symbol": SYMBOLS[(n - 1) % 3], "side": ("buy", "sell")[(n - 1) % 2],
        "order_type": "market", "quantity": 0.01, "status": "pending"}),
    "users": ("users", lambda n: {
        "username": "trader%04d" % n, "email": "trader%04d@example.com" % n, "is_active": True}),
    "programs": ("programs", lambda n: {
        "name": "Program %04d" % n, "code": "fn run(ctx) { ... }", "enabled": True,
        "created_at": NOW}),
    "prompts": ("prompts", lambda n: {
        "name": "Prompt %04d" % n, "content": "Analyze {{symbol}}...", "created_at": NOW}),
    "factors": ("factors", lambda n: {
        "name": "factor_%04d" % n, "expression": "momentum_1d * %d" % n, "created_at": NOW}),
    "signals": ("signals", lambda n: {
        "name": "Signal %04d" % n, "type": "threshold",
        "config": {"indicator": "rsi", "threshold": 30, "direction": "below"}, "enabled": True}),
    "backfill-tasks": ("backfills", lambda n: {
        "symbol": "BTC", "interval": "1h", "status": "completed", "progress_pct": 100.0,
        "exchange": "hyperliquid", "environment": "mainnet", "period": "1h", "started_at": NOW,
        "finished_at": LATER, "rows_written": 720}),
}


def control_seed(state, request):
    spec = control_object(request)
    kind, count, fields = spec.get("kind"), spec.get("count", 1), spec.get("fields", {})
    if kind not in SEED_KINDS:
        raise ControlError("kind must be one of %s" % sorted(SEED_KINDS))
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100000:
        raise ControlError("count must be an integer from 0 to 100000")
    if not isinstance(fields, dict) or "id" in fields:
        raise ControlError("fields must be an object without id")
    attr, generate = SEED_KINDS[kind]
    collection = getattr(state, attr)
    added = []
    for _ in range(count):
        state.seeded[kind] += 1
        item = collection.add({**generate(state.seeded[kind]), **copy.deepcopy(fields)})
        added.append(item["id"])
        if kind == "users":
            state.passwords[item["id"]] = PASSWORD
    return Reply.json(200, {"kind": kind, "added": count,
                            "first_id": added[0] if added else None,
                            "last_id": added[-1] if added else None,
                            "total": len(collection.items)})


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
    """Every endpoint of the contract (section 2.0), one line each. The first route whose path
    and method match wins, so fixed paths come before templated ones of the same shape."""
    routes = [
        Route("GET", "/api/health", health, auth=False),
        # users and sessions (8)
        Route("POST", "/api/users/register", register, auth=False),
        Route("POST", "/api/users/login", login, auth=False),
        Route("POST", "/api/users/logout", logout),
        Route("GET", "/api/users/profile", profile),
        Route("PUT", "/api/users/profile", update_profile),
        Route("GET", "/api/users/", list_users),
        Route("GET", "/api/users/exchange-config", exchange_config),
        Route("POST", "/api/users/exchange-config", set_exchange_config),
        # accounts (7)
        Route("GET", "/api/account/list", list_accounts),
        Route("GET", "/api/account/overview", default_overview),
        Route("POST", "/api/account/", create_account),
        Route("PUT", "/api/account/{account_id}", update_account),
        Route("DELETE", "/api/account/{account_id}", delete_account),
        Route("GET", "/api/account/{account_id}/overview", account_overview),
        Route("GET", "/api/account/{account_id}/strategy", account_strategy),
        # market price (1)
        Route("GET", "/api/crypto/price", price),
        # orders (7)
        Route("POST", "/api/orders/create", create_order),
        Route("GET", "/api/orders/pending", pending_orders),
        Route("GET", "/api/orders/user/{user_id}", user_orders),
        Route("GET", "/api/orders/account/{account_id}", account_orders),
        Route("POST", "/api/orders/execute/{order_id}", execute_order),
        Route("POST", "/api/orders/cancel/{order_id}", cancel_order),
        Route("POST", "/api/orders/process-all", process_orders),
        # klines (6)
        Route("GET", "/api/klines/data", klines_data),
        Route("GET", "/api/klines/coverage", fixed(KLINE_COVERAGE)),
        Route("GET", "/api/klines/supported-symbols", fixed({"symbols": SYMBOLS})),
        Route("GET", "/api/klines/backfill-tasks", list_backfills),
        Route("POST", "/api/klines/backfill", start_backfill),
        Route("GET", "/api/klines/backfill/status/{task_id}", backfill_status),
        # programs (11)
        Route("GET", "/api/programs/", list_programs),
        Route("POST", "/api/programs/", create_program),
        Route("GET", "/api/programs/dev-guide", fixed(DEV_GUIDE)),
        Route("GET", "/api/programs/signal-pools/", program_signal_pools),
        Route("GET", "/api/programs/accounts/", program_accounts),
        Route("POST", "/api/programs/test-run", program_test_run),
        Route("POST", "/api/programs/validate", program_validate),
        Route("POST", "/api/programs/backtest", program_backtest),
        Route("GET", "/api/programs/{id}", get_program),
        Route("PUT", "/api/programs/{id}", update_program),
        Route("DELETE", "/api/programs/{id}", delete_program),
        # prompts (9) and prompt backtest (1)
        Route("GET", "/api/prompts/", list_prompts),
        Route("POST", "/api/prompts/", create_prompt),
        Route("POST", "/api/prompts/preview", preview_prompt),
        Route("POST", "/api/prompts/ai-chat-stream", prompt_ai_chat),
        Route("GET", "/api/prompts/{id}", get_prompt),
        Route("PUT", "/api/prompts/{id}", update_prompt),
        Route("DELETE", "/api/prompts/{id}", delete_prompt),
        Route("POST", "/api/prompts/{template_id}/copy", copy_prompt),
        Route("PATCH", "/api/prompts/{id}/name", rename_prompt),
        Route("POST", "/api/prompt-backtest/tasks", prompt_backtest),
        # signals (6)
        Route("GET", "/api/signals/", list_signals),
        Route("POST", "/api/signals/definitions", create_signal),
        Route("GET", "/api/signals/definitions/{signal_id}", get_signal),
        Route("PUT", "/api/signals/definitions/{signal_id}", update_signal),
        Route("DELETE", "/api/signals/definitions/{signal_id}", delete_signal),
        Route("POST", "/api/signals/pools", create_pool),
        # factors (7)
        Route("GET", "/api/factors/custom", list_factors),
        Route("POST", "/api/factors/custom", create_factor),
        Route("PUT", "/api/factors/custom/{factor_id}", update_factor),
        Route("DELETE", "/api/factors/custom/{factor_id}", delete_factor),
        Route("GET", "/api/factors/effectiveness", factor_effectiveness),
        Route("GET", "/api/factors/effectiveness/{factor_name}/history", factor_history),
        Route("GET", "/api/factors/effectiveness/{factor_name}/by-window", factor_by_window),
        # analytics (7)
        Route("GET", "/api/analytics/summary", analytics_summary),
        Route("GET", "/api/analytics/by-strategy", fixed(BY_STRATEGY)),
        Route("GET", "/api/analytics/by-account", fixed(BY_ACCOUNT)),
        Route("GET", "/api/analytics/by-symbol", fixed(BY_SYMBOL)),
        Route("GET", "/api/analytics/by-operation", fixed(BY_OPERATION)),
        Route("GET", "/api/analytics/by-trigger-type", fixed(BY_TRIGGER_TYPE)),
        Route("GET", "/api/analytics/by-factor", fixed(BY_FACTOR)),
        # hyperliquid (3)
        Route("GET", "/api/hyperliquid/accounts/{account_id}/positions", hl_positions),
        Route("GET", "/api/hyperliquid/accounts/{account_id}/balance", hl_balance),
        Route("GET", "/api/hyperliquid/account/{account_id}/state", hl_state),
        # Hyper AI and AI stream (3)
        Route("POST", "/api/hyper-ai/chat", hyper_ai_chat),
        Route("POST", "/api/hyper-ai/conversations", create_conversation),
        Route("GET", "/api/ai-stream/{task_id}", poll_ai_stream),
    ]
    # --no-logout imitates the servers that lack the endpoint (contract section 2.2).
    return [r for r in routes if not (options.no_logout and r.handler is logout)]


CONTROL_ROUTES = [
    Route("GET", "/__standin/requests", control_requests, auth=False),
    Route("POST", "/__standin/reset", control_reset, auth=False),
    Route("POST", "/__standin/script", control_script, auth=False),
    Route("POST", "/__standin/seed", control_seed, auth=False),
    # the WebSocket side
    Route("GET", "/__standin/ws-log", control_ws_log, auth=False),
    Route("GET", "/__standin/ws/state", control_ws_state, auth=False),
    Route("POST", "/__standin/ws/push", control_ws_push, auth=False),
    Route("POST", "/__standin/ws/push-many", control_ws_push_many, auth=False),
    Route("POST", "/__standin/ws/drop", control_ws_drop, auth=False),
    Route("POST", "/__standin/ws/close", control_ws_close, auth=False),
    Route("POST", "/__standin/ws/silence", control_ws_silence, auth=False),
    Route("POST", "/__standin/ws/ping", control_ws_ping, auth=False),
    Route("POST", "/__standin/ws/reject", control_ws_reject, auth=False),
    Route("POST", "/__standin/ws/flap", control_ws_flap, auth=False),
    Route("POST", "/__standin/ws/flood", control_ws_flood, auth=False),
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


def logged_request(request):
    return {
        "method": request.method, "path": request.path, "query": request.query,
        "headers": [[k, v] for k, v in request.headers.items()],
        # latin-1 maps every byte to one code point, so the log is lossless.
        "body": request.body.decode("latin-1"),
    }


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


HELP_DESCRIPTION = """\
Local stand-in of the Hyperoru API: the whole contract (REST under /api, the WebSocket /ws, the
Hyper AI chat stream) on 127.0.0.1, with seeded data, for developing and testing scripts and
programs without touching production. It prints "PORT <n>" on stdout once it listens."""

HELP_EPILOG = """\
seeded data:
  a user (login trader@example.com or username trader1, password: secret), two AI traders
  (accounts 1 "Main Account" and 2 "Hidden Scalper", hidden from the dashboard), prices of BTC,
  ETH, SOL, PEPE and ARB, candles (klines), programs, prompts, signals and factors.

demo mode (--demo; the default when run as hyperoru-sandbox, --no-demo turns it off):
  four orders as well: an open (pending) BTC limit buy (id 42) and a filled (executed) ETH
  market sell (43) on trader 1, a cancelled SOL limit buy (44) and a filled BTC market sell (45)
  on trader 2; and an asset_curve push (equity and daily PnL) every 3 seconds to each WebSocket
  subscribed to asset_curve. --ws-demo-interval sets another pace, 0 turns the pushes off.
  POST /__standin/reset goes back to this state. Without demo mode there are no orders, and no
  pushes unless --ws-demo-interval asks for them (the state the test suites rely on).

example session:
  hyperoru-sandbox --port 8080 &
  export HYPERORU_BASE_URL=http://127.0.0.1:8080
  echo secret | hyperoru login --email trader@example.com --password-stdin
  hyperoru order list --user 1      # the demo orders
  hyperoru watch                    # an asset_curve push every 3 s; Ctrl-C ends it

control endpoints (no token): GET /__standin/requests (the requests received), POST
/__standin/reset (back to the seeded state), POST /__standin/script (canned responses and
faults), POST /__standin/seed (generated items); see the top of the script for the rest."""


def main(argv=None):
    parser = argparse.ArgumentParser(description=HELP_DESCRIPTION, epilog=HELP_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", action="append", default=[],
                        help="an extra token accepted for the seeded user (repeatable)")
    parser.add_argument("--login-token", help="the token every successful login issues")
    parser.add_argument("--no-logout", action="store_true",
                        help="answer 404 on POST /api/users/logout, like older servers")
    parser.add_argument("--envelope", action="store_true",
                        help="list endpoints answer {items, total, page, per_page, next}")
    parser.add_argument("--sse-framing", choices=["chunked", "close"], default="chunked",
                        help="frame the chat stream with chunked encoding or by closing")
    parser.add_argument("--sse-delay", type=float, default=0.01,
                        help="seconds between the pieces of the chat stream")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction, default=None,
                        help="demo mode: seeded orders and WebSocket pushes (default: on when "
                             "run as %s, else off)" % SANDBOX_NAME)
    parser.add_argument("--ws-demo-interval", type=float, default=None, metavar="SECONDS",
                        help="push an asset_curve message to every WebSocket subscribed to "
                             "asset_curve every SECONDS (0: never; default %g in demo mode, "
                             "else 0)" % DEMO_PUSH_INTERVAL)
    parser.add_argument("--tls-cert", help="PEM certificate (chain) file: serve HTTPS and WSS")
    parser.add_argument("--tls-key", help="PEM private key file of --tls-cert")
    parser.add_argument("--quiet", action="store_true",
                        help="no start-up lines on stderr (PORT <n> is still printed on stdout)")
    options = parser.parse_args(argv)
    if (options.tls_cert is None) != (options.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    # The installed sandbox is for people trying things out, the test suites run standin.py:
    # the program's name picks the default, an explicit --demo or --no-demo wins.
    if options.demo is None:
        options.demo = parser.prog == SANDBOX_NAME
    if options.ws_demo_interval is None:
        options.ws_demo_interval = DEMO_PUSH_INTERVAL if options.demo else 0.0
    if not options.ws_demo_interval >= 0:  # also refuses nan
        parser.error("--ws-demo-interval must be 0 or more seconds")

    if ":" in options.host:
        Server.address_family = socket.AF_INET6
    server = Server((options.host, options.port), Handler)
    server.state = State(options)
    server.routes = api_routes(options)
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(options.tls_cert, options.tls_key)
        except (OSError, ssl.SSLError) as e:
            parser.error("cannot load --tls-cert/--tls-key: %s" % e)
        server.ssl_context = context
    if options.ws_demo_interval > 0:
        threading.Thread(target=ws_demo_pusher, args=(server.state, options.ws_demo_interval),
                         daemon=True).start()
    port = server.server_address[1]
    try:
        # Installed before announcing the port, so a stop right after start-up is still clean.
        signal.signal(signal.SIGTERM, raise_stop)
        signal.signal(signal.SIGINT, raise_stop)
        print("PORT %d" % port, flush=True)
        if not options.quiet:
            scheme = "https" if options.tls_cert else "http"
            print("hyperoru stand-in listening on %s://%s:%d" % (scheme, options.host, port),
                  file=sys.stderr, flush=True)
            if options.demo:
                pushes = ("an asset_curve push every %g s" % options.ws_demo_interval
                          if options.ws_demo_interval > 0 else "no WebSocket pushes")
                print("demo mode: %d seeded orders on 2 traders, %s; log in as %s "
                      "(%s --help shows the password and an example session)"
                      % (len(DEMO_ORDERS), pushes, SEEDED_USER["email"], parser.prog),
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
