"""Factors (contract section 2.11)."""

from .common import (ApiError, CHANGED, Field, Reply, STATUS_OK, create_item, decimal_text,
    delete_item, list_items, update_item)
from .seed import NOW


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
