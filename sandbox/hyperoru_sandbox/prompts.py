"""Prompts and prompt backtests (contract sections 2.8 and 2.9)."""

import re

from .accounts import first_given
from .common import (ApiError, Field, Reply, STATUS_OK, create_item, delete_item, get_item, int_arg,
    invalid, is_id, is_number, list_items, pick, update_item, validate)
from .klines import INTERVALS, parse_time
from .seed import NOW


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
