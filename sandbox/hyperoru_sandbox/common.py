"""What the route handlers share: the error types, exact JSON text (Raw, dump), requests and
replies, collections, query and body checks, the CRUD handlers, control-request helpers."""

import copy
import json
import re
from urllib.parse import parse_qs


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


def decimal_text(units, decimals):
    digits = str(abs(units)).rjust(decimals + 1, "0")
    return Raw(("-" if units < 0 else "") + digits[:-decimals] + "." + digits[-decimals:])


# ---------------------------------------------------------------------------------------------
# Control routes (/__standin/...). Never logged, never scripted; bad input is a 400.

class ControlError(Exception):
    pass


def control_object(request):
    """The JSON object a control request carries, or a ControlError saying what is wrong."""
    try:
        spec = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ControlError("body must be JSON")
    if not isinstance(spec, dict):
        raise ControlError("body must be a JSON object")
    return spec


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
