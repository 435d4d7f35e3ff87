"""Signals (contract section 2.10)."""

from .common import (Field, Reply, create_item, delete_item, get_item, invalid, is_id, pick,
    update_item, validate)


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
