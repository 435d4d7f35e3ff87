"""Health, users and sessions (contract section 2.2)."""

import secrets

from .common import ApiError, DetailError, Field, Reply, missing_field, paged, validate
from .seed import EXPIRES_AT


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
