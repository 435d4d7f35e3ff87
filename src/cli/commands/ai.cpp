// The Hyper AI assistant: a chat turn streamed as Server-Sent Events (§4), conversations, and
// polling of asynchronous AI stream tasks (§2.14).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "cli/commands/spec.hpp"
#include "cli/status.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/sse.hpp"

namespace hyperoru::cli {

namespace {

struct ChatOptions {
    std::string message;
    std::optional<std::string> conversation;
    std::optional<std::string> context_json;
    std::optional<std::string> skill_ids;
};

/// §2.14 ChatStart: context always (as {} when not given), message always, the rest when set.
std::string chat_start(Context& context, const ChatOptions& options) {
    json::ObjectWriter body;
    body.add_json("context", options.context_json.value_or("{}"));
    body.add_string("message", options.message);
    if (options.conversation) {
        body.add_json("conversation_id",
                      field_json(context, Field{"--conversation", "", FieldType::id}, *options.conversation));
    }
    if (options.skill_ids) {
        body.add_json("skill_ids",
                      field_json(context, Field{"--skill-ids", "", FieldType::ids}, *options.skill_ids));
    }
    return body.str();
}

/// A data payload as JSON: itself when it is valid JSON, else as a string.
std::string data_json(const std::string& data) {
    return json::is_valid(data) ? data : json::quote(data);
}

/// Prints a chat stream as it arrives: token text on a terminal, one JSON event per line
/// otherwise. Also keeps the first bytes in case the answer turns out not to be a stream.
class ChatPrinter final : public http::BodySink {
public:
    explicit ChatPrinter(Context& context)
        : m_context(context), m_reader([this](const SseEvent& e) { on_event(e); }) {}

    bool write(std::string_view chunk) override {
        if (m_raw.size() < k_keep) m_raw.append(chunk.substr(0, k_keep - m_raw.size()));
        m_reader.feed(chunk);
        return m_reader.buffered() <= k_keep;  // an endless line is not a stream we can use
    }
    void finish() { m_reader.finish(); }

    bool done() const noexcept { return m_done; }
    const std::optional<ErrorBody>& error() const noexcept { return m_error; }
    const std::string& raw() const noexcept { return m_raw; }

private:
    static constexpr std::size_t k_keep = 64u * 1024u * 1024u;

    void on_event(const SseEvent& event) {
        const bool known = event.done || event.kind == "token" || event.kind == "status" ||
                           event.kind == "tool_call" || event.kind == "error";
        if (event.done) m_done = true;
        if (event.kind == "error") {
            m_error = read_error_body(0, "", event.data);
        }
        if (event.kind == "status") note_conversation(event.data);
        // Between the first events (the conversation's status) and the first token the model may
        // think for seconds: a spinner says so on a terminal, erased before the answer.
        if (event.kind == "token" || event.done || event.kind == "error") {
            m_context.status().stop_spinner();
            m_answering = true;
        } else if (!m_answering) {
            m_context.status().start_spinner("waiting for the answer");
        }
        if (m_context.options().verbose && (!known || event.kind == "status" || event.kind == "tool_call")) {
            m_context.err() << "* event " << sanitize_for_terminal(event.kind) << ": "
                            << sanitize_for_terminal(event.data) << '\n';
        }
        if (!known) return;  // §4: unknown kinds only in verbose output
        json::ObjectWriter line;
        line.add_string("event", event.done ? "done" : event.kind);
        if (!event.done) line.add_json("data", data_json(event.data));
        // For people, the text of token events: the §4 text member, else the data as it came.
        std::optional<std::string> text;
        if (event.kind == "token") text = sse_token_text(event).value_or(event.data);
        m_context.printer().event(line.str(), text);
    }

    /// The id to pass to --conversation for the next turn, on stderr so that stdout stays the
    /// answer: one line, "conversation: 12345678901234567", when the first `status` event names it
    /// (§4) and again only if a later one names another. The id is printed as the server wrote it,
    /// so ids above 2^53 stay exact.
    void note_conversation(const std::string& data) {
        if (!json::is_valid(data)) return;
        const json::Value value = json::parse(data);
        const json::Value* id = value.find("conversation_id");
        if (id == nullptr || !(id->is_number() || id->is_string()) || id->text().empty()) return;
        if (id->text() == m_conversation) return;
        m_conversation = id->text();
        m_context.err() << "conversation: " << sanitize_for_terminal(m_conversation) << '\n' << std::flush;
    }

    Context& m_context;
    SseReader m_reader;
    std::string m_raw;
    std::string m_conversation;
    bool m_answering = false;  ///< a token (or the end) has come: no more waiting spinner
    bool m_done = false;
    std::optional<ErrorBody> m_error;
};

int run_chat(Context& context, const ChatOptions& options) {
    ChatPrinter printer(context);
    CallOptions call;
    call.body = chat_start(context, options);
    call.accept = "text/event-stream";
    call.sink = &printer;
    const RawReply reply = context.client().invoke(api::ai_chat, {}, call);
    context.status().stop_spinner();  // a stream that ended before its first token
    if (reply.content_type.find("text/event-stream") == std::string::npos) {
        // §4: not a stream: an ordinary JSON answer.
        RawReply plain = reply;
        plain.body = printer.raw();
        context.printer().reply(plain);
        return k_exit_ok;
    }
    printer.finish();
    context.printer().end_text();
    if (printer.error()) {
        const ErrorBody& e = *printer.error();
        return report_error(context, {e.message, 0, e.code, e.request_id, e.details, k_exit_error});
    }
    if (!printer.done()) {
        return report_error(context,
                            {"the chat stream ended before it was done", 0, {}, {}, {}, k_exit_network});
    }
    return k_exit_ok;
}

int run_conversation_create(Context& context, const ChatOptions& options) {
    const RawReply reply =
        context.client().invoke(api::ai_conversation_create, {}, {}, chat_start(context, options));
    context.printer().reply(reply);
    // The success line of every mutation (on a terminal), with the id to pass to --conversation.
    if (json::is_valid(reply.body)) {
        const json::Value body = json::parse(reply.body);
        if (const json::Value* id = body.find("id"); id != nullptr && (id->is_number() || id->is_string())) {
            context.status().success("Created conversation " + id->text() +
                                     "; continue it with: hyperoru ai chat --conversation " + id->text() +
                                     " MESSAGE");
        }
    }
    return k_exit_ok;
}

struct StreamOptions {
    std::string task_id;
    bool follow = false;
    double interval_seconds = 1.0;
};

/// §2.14: polls with the `since` cursor until done; prints each chunk once, in index order.
int run_stream(Context& context, const StreamOptions& options) {
    if (!options.follow) {
        context.printer().reply(context.client().invoke(api::ai_stream_poll, {options.task_id}));
        return k_exit_ok;
    }
    std::optional<long long> cursor;
    long long printed_up_to = -1;
    for (bool first = true;; first = false) {
        if (!first)
            context.io().clock->sleep(
                std::chrono::milliseconds(std::llround(options.interval_seconds * 1000)));
        std::vector<QueryParam> query;
        if (cursor) query.push_back({"since", std::to_string(*cursor)});
        const RawReply reply = context.client().invoke(api::ai_stream_poll, {options.task_id}, query);
        const json::Value value = json::parse(reply.body);
        std::vector<std::pair<long long, const json::Value*>> chunks;
        if (const json::Value* list = value.find("chunks"); list != nullptr && list->is_array()) {
            for (const auto& chunk : list->items()) {
                const json::Value* index = chunk.find("index");
                if (index != nullptr && index->is_number())
                    chunks.emplace_back(std::stoll(index->text()), &chunk);
            }
        }
        std::sort(chunks.begin(), chunks.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        long long highest = printed_up_to;
        for (const auto& [index, chunk] : chunks) {
            highest = std::max(highest, index);
            if (index <= printed_up_to) continue;  // already printed in an earlier poll
            printed_up_to = index;
            const json::Value* content = chunk->find("content");
            context.printer().event(
                json::to_string(*chunk, json::PrintOptions{false, json::default_mask_keys()}),
                content != nullptr && content->is_string() ? std::optional(content->text()) : std::nullopt);
        }
        const json::Value* error = value.find("error");
        if (error != nullptr && !error->is_null()) {
            const ErrorBody e = error->is_string() ? ErrorBody{error->text(), {}, {}, {}}
                                                   : read_error_body(0, "", json::to_string(*error));
            context.printer().end_text();
            return report_error(context, {e.message, 0, e.code, e.request_id, {}, k_exit_error});
        }
        const json::Value* done = value.find("is_done");
        if (done == nullptr || !done->is_bool()) done = value.find("done");
        if (done != nullptr && done->is_bool() && done->text() == "true") break;
        const json::Value* next = value.find("next_cursor");
        if (next == nullptr || !next->is_number()) next = value.find("next");
        cursor = next != nullptr && next->is_number() ? std::stoll(next->text()) : highest + 1;
    }
    context.printer().end_text();
    return k_exit_ok;
}

}  // namespace

void register_ai(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("ai")) return;
    auto* ai = app.add_subcommand("ai", "The Hyper AI assistant");
    ai->require_subcommand(1);
    ai->footer(example("hyperoru ai chat 'How did my BTC trader do this week?'"));

    auto chat_options = std::make_shared<ChatOptions>();
    const auto add_chat_flags = [](CLI::App* sub, ChatOptions& o) {
        sub->add_option("--conversation", o.conversation, "continue this conversation")->type_name("ID");
        sub->add_option("--context", o.context_json, "context object as JSON (default {})")
            ->type_name("JSON");
        sub->add_option("--skill-ids", o.skill_ids, "comma-separated skill ids")->type_name("IDS");
    };
    auto* chat = ai->add_subcommand("chat", "Ask the assistant; the answer streams as it is written");
    chat->add_option("message", chat_options->message, "your message")->required();
    add_chat_flags(chat, *chat_options);
    chat->footer(example("hyperoru ai chat 'Summarise my open positions' -o ndjson | jq -r .event"));
    chat->callback([&action, chat_options] {
        action = [chat_options](Context& c) { return run_chat(c, *chat_options); };
    });

    auto create_options = std::make_shared<ChatOptions>();
    auto* conversation = ai->add_subcommand("conversation", "Assistant conversations");
    conversation->require_subcommand(1);
    conversation->footer(example("hyperoru ai conversation create --message 'Plan for today'"));
    auto* create =
        conversation->add_subcommand("create", "Start a conversation (POST /api/hyper-ai/conversations)");
    create->add_option("--message", create_options->message, "first message (default empty)");
    add_chat_flags(create, *create_options);
    create->footer(example("hyperoru ai conversation create --message 'Plan for today'"));
    create->callback([&action, create_options] {
        action = [create_options](Context& c) { return run_conversation_create(c, *create_options); };
    });

    auto stream_options = std::make_shared<StreamOptions>();
    auto* stream =
        ai->add_subcommand("stream", "Output of an asynchronous AI task (GET /api/ai-stream/{task_id})");
    stream->add_option("task_id", stream_options->task_id, "task id from prompt ai-chat")->required();
    stream->add_flag("--follow", stream_options->follow,
                     "poll until the task is done, printing chunks as they come");
    stream->add_option("--interval", stream_options->interval_seconds, "seconds between polls (default 1)")
        ->check(CLI::PositiveNumber);
    stream->footer(example("hyperoru ai stream task-1 --follow"));
    stream->callback([&action, stream_options] {
        action = [stream_options](Context& c) { return run_stream(c, *stream_options); };
    });
}

}  // namespace hyperoru::cli
