"""Orders (contract section 2.5)."""

from .accounts import live_account
from .common import ApiError, Field, Reply, invalid, paged, validate


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
