#!/usr/bin/env python3
"""Local stand-in of the Hyperoru API for the integration and end-to-end tests.

A real HTTP/1.1 server (keep-alive, Content-Length, chunked request bodies) so that the client's
curl transport is exercised exactly as against the real service. It serves every endpoint of the
contract (/work/shared/api/CONTRACT.md, section 2.0: 77 endpoints) with the contract's example
payloads and plausible state. Besides the API routes it offers control endpoints under
/__standin/ to read the log of received requests, to reset the seeded state, to add generated
items and to script responses and connection faults.

Usage: standin.py [--host 127.0.0.1] [--port 0] [--token T]... [--login-token T] [--no-logout]
                  [--envelope] [--sse-framing chunked|close] [--sse-delay SECONDS] [--quiet]
Once listening it prints "PORT <n>" on stdout: the test harness waits for that line instead of
sleeping or polling the port.

Control endpoints (never logged, never scripted, no token):
  GET  /__standin/requests  the log of API requests received, oldest first
  POST /__standin/reset     back to the seeded state (log and scripts cleared too)
  POST /__standin/script    {"method", "path", "responses": [...]}: canned responses and faults
  POST /__standin/seed      {"kind": "accounts", "count": 250, "fields": {...}}: adds generated
                            items ("Trader 0001", ...) with ids continuing; kinds: SEED_KINDS

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
from datetime import datetime, timedelta, timezone
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
        self.reset()

    def reset(self):
        self.users = Collection("User", "USER_NOT_FOUND", [SEEDED_USER], 2)
        self.passwords = {1: PASSWORD}
        self.accounts = Collection("Account", "ACCOUNT_NOT_FOUND", SEEDED_ACCOUNTS, 3)
        self.deleted_accounts = set()  # soft-deleted: still listed with include_hidden, else 404
        # Tokens issued by login are forgotten too: a reset is a fresh server. Token -> user id.
        self.tokens = {token: 1 for token in [SEEDED_TOKEN, *self.options.token]}
        self.exchange_config = {"selected_exchange": "hyperliquid"}
        self.orders = Collection("Order", "ORDER_NOT_FOUND", [], 42)
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
            self.close_connection = True
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
    parser.add_argument("--envelope", action="store_true",
                        help="list endpoints answer {items, total, page, per_page, next}")
    parser.add_argument("--sse-framing", choices=["chunked", "close"], default="chunked",
                        help="frame the chat stream with chunked encoding or by closing")
    parser.add_argument("--sse-delay", type=float, default=0.01,
                        help="seconds between the pieces of the chat stream")
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
