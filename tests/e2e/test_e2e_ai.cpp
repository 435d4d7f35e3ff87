// End-to-end: the Hyper AI commands with the real binary against the stand-in: the chat streamed
// as Server-Sent Events (cut into awkward pieces, framed by chunked encoding or by closing the
// connection), conversations with ids above 2^53, and polling an AI task with the since cursor.
#include "e2e/e2e.hpp"
#include "hyperoru/exact_json.hpp"

namespace {

using namespace e2e;

const std::string k_auth = bearer(k_standin_token);

struct TokenEnv : Env {
    TokenEnv() { set("HYPERORU_TOKEN", k_standin_token); }
};

std::vector<std::string> at(const StandIn& server, std::vector<std::string> args) {
    args.insert(args.begin(), {"--base-url", server.base_url()});
    return args;
}

/// The logged chat request: JSON body, asking for an event stream.
std::string chat_request(const std::string& body) {
    return describe_one("POST", "/api/hyper-ai/chat", k_auth, "application/json", "text/event-stream", body);
}

/// The whole chat answer of the stand-in, one JSON event per line.
const std::string k_chat_events =
    "{\"event\":\"status\",\"data\":{\"conversation_id\":9007199254740993}}\n"
    "{\"event\":\"token\",\"data\":{\"content\":\"Hello\"}}\n"
    "{\"event\":\"token\",\"data\":{\"content\":\" from Hyper AI.\"}}\n"
    "{\"event\":\"tool_call\",\"data\":{\"name\":\"get_price\",\"arguments\":{\"symbol\":\"BTC\"}}}\n"
    "{\"event\":\"token\",\"data\":{\"content\":\" BTC trades at 67012.50 📈\"}}\n"
    "{\"event\":\"token\",\"data\":{\"content\":\" — café, naïve ✓\"}}\n"
    "{\"event\":\"done\"}\n";

const std::vector<std::vector<std::string>> k_framings = {{"--sse-framing", "chunked"},
                                                          {"--sse-framing", "close"}};

/// POST /api/prompts/ai-chat-stream through `hyperoru api`: the stand-in answers task-1, task-2...
void start_task(const StandIn& server, const Env& env, const std::string& message) {
    const auto r = cli(env, at(server, {"api", "-X", "POST", "/api/prompts/ai-chat-stream", "--input", "-"}),
                       R"({"context":{},"message":")" + message + R"("})");
    REQUIRE(r.rc == 0);
}

std::string poll(const std::string& target) {
    return describe({get(target, k_auth)});
}

}  // namespace

TEST_CASE("e2e: ai chat off a terminal prints each event as one JSON line, chunked or closed") {
    for (const auto& framing : k_framings) {
        INFO(framing[1]);
        StandIn server(framing);
        const TokenEnv env;
        const auto r = cli(env, at(server, {"ai", "chat", "What is BTC doing?"}));
        CHECK(r.rc == 0);
        CHECK(r.out == k_chat_events);
        // The id to continue with (--conversation), from the status event, exact above 2^53.
        CHECK(r.err == "conversation: 9007199254740993\n");
        CHECK(describe(server.requests()) ==
              chat_request(R"({"context":{},"message":"What is BTC doing?"})"));
    }
}

TEST_CASE("e2e: ai chat on a terminal prints the reply text, chunked or closed") {
    for (const auto& framing : k_framings) {
        INFO(framing[1]);
        StandIn server(framing);
        const TokenEnv env;
        const auto r = cli_pty(env, at(server, {"ai", "chat", "What is BTC doing?"}));
        CHECK(r.exit_code == 0);
        CHECK(r.output ==
              "conversation: 9007199254740993\nHello from Hyper AI. BTC trades at 67012.50 📈 — café, naïve "
              "✓\n");
        CHECK(describe(server.requests()) ==
              chat_request(R"({"context":{},"message":"What is BTC doing?"})"));
    }
}

TEST_CASE("e2e: ai chat exits 1 after an error event and 9 when the stream ends before done") {
    for (const auto& framing : k_framings) {
        INFO(framing[1]);
        StandIn server(framing);
        const TokenEnv env;
        const auto failed = cli(env, at(server, {"ai", "chat", "please fail"}));
        CHECK(failed.rc == 1);
        CHECK(failed.out ==
              "{\"event\":\"status\",\"data\":{\"conversation_id\":9007199254740993}}\n"
              "{\"event\":\"token\",\"data\":{\"content\":\"Let me check\"}}\n"
              "{\"event\":\"error\",\"data\":{\"message\":\"model unavailable\",\"code\":\"MODEL_ERROR\"}}\n"
              "{\"event\":\"done\"}\n");
        CHECK(failed.err ==
              "conversation: 9007199254740993\nhyperoru: error: model unavailable (code MODEL_ERROR)\n");
        const auto on_terminal = cli_pty(env, at(server, {"ai", "chat", "please fail"}));
        CHECK(on_terminal.exit_code == 1);
        CHECK(on_terminal.output ==
              "conversation: 9007199254740994\nLet me check\nhyperoru: error: model unavailable (code "
              "MODEL_ERROR)\n");

        const auto cut = cli(env, at(server, {"ai", "chat", "cut here"}));
        CHECK(cut.rc == 9);
        CHECK(
            cut.out.starts_with("{\"event\":\"status\",\"data\":{\"conversation_id\":9007199254740995}}\n"
                                "{\"event\":\"token\",\"data\":{\"content\":\"Partial answer\"}}\n"));
        CHECK(cut.err ==
              "conversation: 9007199254740995\nhyperoru: error: the chat stream ended before it was done\n");
        CHECK(describe(server.requests()) == chat_request(R"({"context":{},"message":"please fail"})") +
                                                 chat_request(R"({"context":{},"message":"please fail"})") +
                                                 chat_request(R"({"context":{},"message":"cut here"})"));
    }
}

// The stand-in's "cut" stream ends inside an event: `event: token` and `data: {"content": " and mo`
// with no blank line after it. SSE framing (contract §4, WHATWG) dispatches an event only at a
// blank line, so this fragment is not an event and must not be shown.
TEST_CASE("e2e: ai chat shows nothing of an event the end of the stream cut off") {
    StandIn server;
    const TokenEnv env;
    const auto piped = cli(env, at(server, {"ai", "chat", "cut here"}));
    CHECK(piped.rc == 9);
    CHECK(piped.out ==
          "{\"event\":\"status\",\"data\":{\"conversation_id\":9007199254740993}}\n"
          "{\"event\":\"token\",\"data\":{\"content\":\"Partial answer\"}}\n");
    const auto terminal = cli_pty(env, at(server, {"ai", "chat", "cut here"}));
    CHECK(terminal.exit_code == 9);
    CHECK(terminal.output ==
          "conversation: 9007199254740994\nPartial answer\nhyperoru: error: the chat stream ended before it "
          "was done\n");
}

TEST_CASE("e2e: ai conversation create sends the start body and keeps ids above 2^53 exact") {
    StandIn server;
    const TokenEnv env;
    const auto conversation = [](const std::string& id) {
        return "{\n  \"id\": " + id +
               ",\n  \"title\": null,\n  \"message_count\": 0,\n"
               "  \"created_at\": \"2026-04-09T12:00:00Z\",\n  \"updated_at\": \"2026-04-09T12:00:00Z\"\n}\n";
    };
    const auto first = cli(env, at(server, {"ai", "conversation", "create", "--message", "Plan for today"}));
    CHECK(first.rc == 0);
    CHECK(first.out == conversation("9007199254740993"));
    CHECK(first.err.empty());
    const auto second = cli(env, at(server, {"ai", "conversation", "create", "--context",
                                             R"({"symbol":"BTC","weight":0.50})", "--skill-ids", "1,2"}));
    CHECK(second.rc == 0);
    CHECK(second.out == conversation("9007199254740994"));
    const auto chat = cli(env, at(server, {"ai", "chat", "hi", "--conversation", "9007199254740993"}));
    CHECK(chat.rc == 0);
    CHECK(chat.out == k_chat_events);
    CHECK(chat.err == "conversation: 9007199254740993\n");
    CHECK(
        describe(server.requests()) ==
        describe(
            {post_json("/api/hyper-ai/conversations", k_auth, R"({"context":{},"message":"Plan for today"})"),
             post_json("/api/hyper-ai/conversations", k_auth,
                       R"({"context":{"symbol":"BTC","weight":0.50},"message":"","skill_ids":[1,2]})")}) +
            chat_request(R"({"context":{},"message":"hi","conversation_id":9007199254740993})"));
    // On a terminal, a success line with the id to continue with.
    const auto shown = cli_pty(env, at(server, {"ai", "conversation", "create", "--message", "Later"}));
    CHECK(shown.exit_code == 0);
    CHECK(
        shown.output.ends_with("Created conversation 9007199254740995; continue it with: hyperoru ai chat "
                               "--conversation 9007199254740995 MESSAGE\n"));
}

TEST_CASE("e2e: ai stream --follow prints the chunks of a task in order, polling with since") {
    StandIn server;
    const TokenEnv env;
    start_task(server, env, "momentum prompt");
    const auto piped = cli(env, at(server, {"ai", "stream", "task-1", "--follow", "--interval", "0.05"}));
    CHECK(piped.rc == 0);
    CHECK(
        piped.out ==
        "{\"index\":0,\"kind\":\"text\",\"metadata\":{},\"content\":\"Here is a momentum prompt: \"}\n"
        "{\"index\":1,\"kind\":\"text\",\"metadata\":{},\"content\":\"Analyze {{symbol}} momentum on the 1h "
        "chart.\"}\n"
        "{\"index\":2,\"kind\":\"text\",\"metadata\":{},\"content\":\" Done ✓\"}\n");
    CHECK(piped.err.empty());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(describe({requests[1], requests[2]}) ==
          poll("/api/ai-stream/task-1") + poll("/api/ai-stream/task-1?since=2"));

    server.reset();
    start_task(server, env, "momentum prompt");
    const auto terminal =
        cli_pty(env, at(server, {"ai", "stream", "task-1", "--follow", "--interval", "0.05"}));
    CHECK(terminal.exit_code == 0);
    CHECK(terminal.output ==
          "Here is a momentum prompt: Analyze {{symbol}} momentum on the 1h chart. Done ✓\n");

    start_task(server, env, "momentum prompt");  // task-2, not polled yet
    const auto once = cli(env, at(server, {"-o", "ndjson", "ai", "stream", "task-2"}));
    CHECK(once.rc == 0);
    CHECK(once.out ==
          R"({"task_id":"task-2","status":"running","chunks":[{"index":0,"kind":"text","metadata":{},)"
          R"("content":"Here is a momentum prompt: "},{"index":1,"kind":"text","metadata":{},)"
          R"("content":"Analyze {{symbol}} momentum on the 1h chart."}],"is_done":false,"next_cursor":2})"
          "\n");
    CHECK(describe(server.requests()).ends_with(poll("/api/ai-stream/task-2")));
}

TEST_CASE("e2e: ai stream of a failing task exits 1, of an unknown task 6") {
    StandIn server;
    const TokenEnv env;
    start_task(server, env, "please fail");
    const auto failed = cli(env, at(server, {"ai", "stream", "task-1", "--follow", "--interval", "0.05"}));
    CHECK(failed.rc == 1);
    CHECK(failed.out ==
          "{\"index\":0,\"kind\":\"text\",\"metadata\":{},\"content\":\"Here is a momentum prompt: \"}\n");
    CHECK(failed.err == "hyperoru: error: model unavailable (code MODEL_ERROR)\n");
    const auto unknown = cli(env, at(server, {"ai", "stream", "task-9", "--follow"}));
    CHECK(unknown.rc == 6);
    CHECK(unknown.out.empty());
    CHECK(unknown.err ==
          "hyperoru: error: Task not found (HTTP 404, code TASK_NOT_FOUND, request_id req_000001)\n");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(describe({requests[1], requests[2]}) ==
          poll("/api/ai-stream/task-1") + poll("/api/ai-stream/task-9"));
}

// `ai stream --help` says its TASK_ID is a "task id from prompt ai-chat", and the README says each
// contract endpoint has a command, but POST /api/prompts/ai-chat-stream has none.
TEST_CASE("e2e: ai the prompt ai-chat command named by ai stream --help exists") {
    const Env env;
    const auto help = cli(env, {"ai", "stream", "--help"});
    CHECK(contains(help.out, "task id from prompt ai-chat"));
    const auto prompt = cli(env, {"prompt", "--help"});
    CHECK(prompt.rc == 0);
    CHECK(contains(prompt.out, "\n  ai-chat "));
}

TEST_CASE(
    "e2e: ai chat on a terminal shows a spinner between the conversation's status and the first token") {
    StandIn server;
    TokenEnv env;
    env.set("TERM", "xterm");  // a terminal that can erase a line
    // The status event, then `stall` seconds of thinking, then the answer.
    const std::string status = "event: status\ndata: {\"conversation_id\": 7}\n\n";
    const std::string answer = "event: token\ndata: {\"content\": \"Hi\"}\n\nevent: done\ndata: [DONE]\n\n";
    const auto script_chat = [&](const char* stall) {
        server.script(R"({"method": "POST", "path": "/api/hyper-ai/chat", "responses": [{"headers": )"
                      R"({"Content-Type": "text/event-stream"}, "body": )" +
                      hyperoru::json::quote(status + answer) + R"(, "action": "pause_at", "at": )" +
                      std::to_string(status.size()) + R"(, "stall": )" + stall + "}]}");
    };
    script_chat("2");  // the spinner shows after 1 s
    const auto r = cli_pty(env, at(server, {"ai", "chat", "hello"}));
    CHECK(r.exit_code == 0);
    INFO(r.output);
    CHECK(r.output.starts_with("conversation: 7\n\r⠋ waiting for the answer ...\033[K"));
    CHECK(r.output.ends_with("\033[K\r\033[KHi\n"));
    // Off a terminal: the events, nothing else on stderr.
    script_chat("1.2");
    const auto piped = cli(env, at(server, {"ai", "chat", "hello"}));
    CHECK(piped.rc == 0);
    CHECK(piped.err == "conversation: 7\n");
}
