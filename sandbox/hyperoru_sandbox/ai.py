"""Hyper AI (contract sections 2.14 and 4): the chat as an SSE stream."""

from .common import ChatError, Reply, dump
from .prompts import check_chat_start, word
from .seed import NOW


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
