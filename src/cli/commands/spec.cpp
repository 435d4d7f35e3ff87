// The one piece of code behind every table-described command: flags to request, safety checks,
// pagination, output.
#include "cli/commands/spec.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "cli/status.hpp"
#include "cli/terminal.hpp"
#include "cli/time.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

namespace {

CLI::App* noun(CLI::App& parent, const std::string& name) {
    try {
        return parent.get_subcommand(name);
    } catch (const CLI::OptionNotFound&) {
        auto* sub = parent.add_subcommand(name, "");
        sub->require_subcommand(1);
        return sub;
    }
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream stream(text);
    while (std::getline(stream, part, ',')) {
        if (!part.empty()) parts.push_back(part);
    }
    return parts;
}

/// Appends `key: json_text` to the body, nesting one level for "parent.child" keys.
void put(std::vector<std::pair<std::string, json::ObjectWriter>>& nested, json::ObjectWriter& body,
         const std::string& key, const std::string& json_text) {
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
        body.add_json(key, json_text);
        return;
    }
    const std::string parent = key.substr(0, dot);
    for (auto& [name, writer] : nested) {
        if (name == parent) {
            writer.add_json(key.substr(dot + 1), json_text);
            return;
        }
    }
    nested.emplace_back(parent, json::ObjectWriter{});
    nested.back().second.add_json(key.substr(dot + 1), json_text);
}

/// The options of `call`'s request, beyond its endpoint and path.
CallOptions options_of(const Call& call) {
    CallOptions options;
    options.query = call.query;
    options.body = call.body;
    return options;
}

/// The request id of a change: the X-Request-Id header, else the body's "request_id".
void print_request_id(Context& context, const RawReply& reply, const json::Value* body) {
    std::optional<std::string> id = http::find_header(reply.headers, "X-Request-Id");
    if (!id && body != nullptr) {
        if (const json::Value* field = body->find("request_id"); field != nullptr && field->is_string()) {
            id = field->text();
        }
    }
    if (id) context.err() << "request_id: " << sanitize_for_terminal(*id) << '\n';
}

/// The text of `object`'s member `key` when it is a string, number or boolean.
std::optional<std::string> member_text(const json::Value* object, std::string_view key) {
    if (object == nullptr || !object->is_object()) return std::nullopt;
    const json::Value* member = object->find(key);
    if (member == nullptr || member->is_null() || member->is_array() || member->is_object())
        return std::nullopt;
    return member->text();
}

/// The object whose "id" is `id`: `value` itself, an element of it, or found one or two levels
/// down (an object holding the list, {"account": {...}}).
const json::Value* find_item(const json::Value& value, const std::string& id, int depth = 0) {
    if (value.is_object() && member_text(&value, "id") == id) return &value;
    if (depth == 2) return nullptr;
    if (value.is_array()) {
        for (const auto& element : value.items()) {
            if (const json::Value* found = find_item(element, id, depth + 1)) return found;
        }
    } else if (value.is_object()) {
        for (const auto& [key, member] : value.members()) {
            if (!member.is_array() && !member.is_object()) continue;
            if (const json::Value* found = find_item(member, id, depth + 1)) return found;
        }
    }
    return nullptr;
}

/// A placeholder's value from what was given: {ID} (a path argument by name), {--flag}, {name}
/// (a positional field).
std::optional<std::string> given_value(const CommandSpec& spec, const Given& given, std::string_view name) {
    for (std::size_t i = 0; i < spec.args.size() && i < given.args.size(); ++i) {
        if (spec.args[i] == name) return given.args[i];
    }
    return given_field(given, std::string(name));
}

/// "Cancel order 42 (BTC buy 0.01 @ 60000)": the question in words. The details come from what
/// was given and, with a lookup, from the item it names; a lookup that fails leaves them out.
std::string question_of(Context& context, const CommandSpec& spec, const Given& given) {
    const Wording& wording = spec.wording;
    std::optional<json::Value> looked_up;
    const json::Value* item = nullptr;
    if (wording.lookup != nullptr && !given.args.empty()) {
        try {
            const std::size_t arguments =
                std::min(api::path_parameters(*wording.lookup).size(), given.args.size());
            const std::vector<std::string> path_args(given.args.begin(),
                                                     given.args.begin() + static_cast<long>(arguments));
            const RawReply reply = context.client().invoke(*wording.lookup, path_args, {}, std::nullopt);
            if (json::is_valid(reply.body)) {
                looked_up = json::parse(reply.body);
                item = find_item(*looked_up, given.args.front());
            }
        } catch (const AuthError&) {
            throw;  // the command itself would be refused the same way
        } catch (const ApiError&) {
            // The details are a courtesy: the question is asked without them (an order that is
            // not pending, a server without the lookup). A server that cannot be reached, or a
            // token it rejects, ends the command here, as the command itself would end.
        } catch (const DecodeError&) {
        }
    }
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
        if (name.starts_with('.')) return member_text(item, name.substr(1));
        return given_value(spec, given, name);
    };
    std::string question = fill_wording(wording.ask, value);
    if (!wording.details.empty()) {
        const std::string details = fill_wording(wording.details, value);
        if (!details.empty()) question += " (" + details + ")";
    }
    return question;
}

void confirm(Context& context, const CommandSpec& spec, const Given& given, const http::Request& request) {
    if (given.yes || spec.safety < Safety::ask_on_terminal) return;
    // ask_on_terminal proceeds where it cannot ask; confirm refuses.
    if (spec.safety == Safety::ask_on_terminal && context.prompt_refusal()) return;
    std::string command;
    for (const auto& word : spec.words) command += (command.empty() ? "" : " ") + word;
    std::string question;
    if (!context.prompt_refusal()) {
        // The question is in words; the HTTP request behind it shows under -v.
        if (context.options().verbose) {
            context.err() << "hyperoru: " << request.method << ' ' << sanitize_for_terminal(request.url)
                          << '\n';
        }
        question = question_of(context, spec, given);
    }
    context.confirm_or_cancel({.question = question,
                               .command = command,
                               .refusal = "refusing to run '" + command + "' without --yes",
                               .hint = "; --dry-run shows the request"});
}

/// The line a mutation prints on a terminal when it succeeded, with values from what was given
/// and from the reply's object (`body`, when it is one).
void print_done(Context& context, const CommandSpec& spec, const Given& given, const json::Value* body) {
    context.status().success(fill_wording(spec.wording.done, [&](std::string_view name) {
        if (name.starts_with('.')) return member_text(body, name.substr(1));
        return given_value(spec, given, name);
    }));
}

}  // namespace

std::string fill_wording(std::string_view pattern,
                         const std::function<std::optional<std::string>(std::string_view)>& value) {
    std::string out;
    std::string part;  // the optional part being read, when in brackets
    bool in_part = false;
    bool part_complete = true;  // every placeholder of the part had a value
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        std::string& target = in_part ? part : out;
        if (c == '[' && !in_part) {
            in_part = true;
            part.clear();
            part_complete = true;
        } else if (c == ']' && in_part) {
            if (part_complete) out += part;
            in_part = false;
        } else if (c == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close == std::string_view::npos) {
                target += pattern.substr(i);
                break;
            }
            const std::optional<std::string> text = value(pattern.substr(i + 1, close - i - 1));
            if (text && !text->empty()) {
                target += sanitize_for_terminal(*text);
            } else {
                part_complete = false;
            }
            i = close;
        } else {
            target += c;
        }
    }
    if (in_part && part_complete) out += part;
    // A placeholder without a value outside brackets leaves a double or trailing space.
    std::string tidy;
    for (const char c : out) {
        if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
        tidy += c;
    }
    while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    if (tidy.size() >= 2 && tidy[tidy.size() - 2] == ' ' && tidy.back() == '.')
        tidy.erase(tidy.size() - 2, 1);
    return tidy;
}

std::string read_input(Context& context, const std::string& flag, const std::string& path) {
    if (path == "-") return read_bounded(*context.io().in, k_max_input_bytes, flag + " -");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw UsageError(flag + ": cannot read '" + path + "'");
    return read_bounded(file, k_max_input_bytes, flag + " " + path);
}

namespace {

/// "3 pages, 300 items, 45.2 KiB so far": what --all has fetched.
std::string progress_text(long pages, std::size_t items, std::size_t bytes) {
    char size[32];
    if (bytes < 1024) {
        std::snprintf(size, sizeof size, "%zu B", bytes);
    } else if (bytes < 1024 * 1024) {
        std::snprintf(size, sizeof size, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    } else {
        std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    }
    return std::to_string(pages) + (pages == 1 ? " page, " : " pages, ") + std::to_string(items) +
           (items == 1 ? " item, " : " items, ") + size + " so far";
}

}  // namespace

int paginate(Context& context, const PageFetcher& fetch, const PageOptions& options) {
    const long per_page = options.per_page.value_or(100);
    long page = options.first_page.value_or(1);
    Printer::Pages pages = context.printer().pages(options.view, options.limit);
    std::size_t bytes = 0;
    const std::size_t max_bytes = k_paged_bytes_factor * context.options().max_response_bytes;
    std::size_t items = 0;
    // The progress line stays on the terminal between pages; it is erased before anything is
    // printed: each page in ndjson and raw, the whole list at the end, or an error.
    Status& status = context.status();
    const bool prints_each_page = pages.streams();
    // A page that fails (a transport error, an error status, text that is not JSON) ends the
    // list: what came before it is printed whole (json: a closed array), then the error.
    const auto add = [&](long number) {
        try {
            const RawReply reply = fetch(number, per_page);
            bytes += reply.body.size();
            if (prints_each_page) status.clear();
            return pages.add(reply);
        } catch (...) {
            status.clear();
            pages.finish();
            throw;
        }
    };
    // Stop at a short or empty page, an envelope saying there is no next page, the limit, or a
    // server that ignores pagination (more items than asked for, or the same page again).
    for (long fetched = 1;; ++page, ++fetched) {
        const PageResult result = add(page);
        if (!result.list || pages.closed()) {
            status.clear();
            return k_exit_ok;
        }
        items += result.received;
        status.progress(progress_text(fetched, items, bytes));
        // A server that ignores paging: the same page again, or more items than asked for. What
        // came is printed; the command stops with exit 10 rather than loop or guess.
        std::optional<std::string> ignored;
        if (result.repeated) {
            ignored = "page " + std::to_string(page) + " repeats the page before it";
        } else if (static_cast<long>(result.received) > per_page) {
            ignored = "page " + std::to_string(page) + " holds " + std::to_string(result.received) +
                      " items, more than the " + std::to_string(per_page) + " asked for";
        }
        if (ignored) {
            status.clear();
            pages.finish();
            const long shown = result.repeated ? fetched - 1 : fetched;
            return report_error(
                context, {"invalid response: " + *ignored + ": the server ignores paging; stopped after " +
                              std::to_string(shown) + (shown == 1 ? " page" : " pages"),
                          0,
                          {},
                          {},
                          {},
                          k_exit_invalid_response});
        }
        if (result.received == 0 || static_cast<long>(result.received) != per_page || pages.full() ||
            result.no_next)
            break;
        if (fetched >= options.max_pages || bytes > max_bytes) {
            status.clear();
            pages.finish();
            const std::string why = fetched >= options.max_pages
                                        ? std::to_string(fetched) + " pages (--max-pages)"
                                        : std::to_string(bytes) + " bytes (more than " +
                                              std::to_string(k_paged_bytes_factor) +
                                              " x --max-response-size)";
            return report_error(
                context, {"stopped after " + why + "; the list may go on", 0, {}, {}, {}, k_exit_limit});
        }
    }
    status.clear();
    pages.finish();
    return k_exit_ok;
}

std::string field_json(Context& context, const Field& field, const std::string& value) {
    const auto bad = [&](const char* expected) {
        return UsageError(field.flag + " expects " + expected + ", got '" + value + "'");
    };
    switch (field.type) {
        case FieldType::string: return json::quote(value);
        case FieldType::number:
            if (!json::is_valid(value) || !json::parse(value).is_number()) throw bad("a number");
            return json::to_string(json::parse(value));
        case FieldType::integer: {
            const std::string_view digits =
                value.starts_with('-') ? std::string_view(value).substr(1) : value;
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
                throw bad("an integer");
            }
            return json::to_string(json::parse(value));
        }
        case FieldType::boolean:
            if (value != "true" && value != "false") throw bad("true or false");
            return value;
        case FieldType::json:
            if (!json::is_valid(value)) throw bad("JSON");
            return value;
        case FieldType::id: return Id{value}.json_text();
        case FieldType::ids:
        case FieldType::strings: {
            std::string out = "[";
            for (const auto& part : split_commas(value)) {
                if (out.size() > 1) out += ',';
                out += field.type == FieldType::ids ? Id{part}.json_text() : json::quote(part);
            }
            return out + "]";
        }
        case FieldType::file_text: return json::quote(read_input(context, field.flag, value));
        case FieldType::time: return json::quote(resolve_time_bound(value, context.now()));
        case FieldType::flag: return "true";
        case FieldType::stdin_secret: {
            const std::string secret = read_stdin_secret(*context.io().in);
            if (secret.empty()) throw UsageError(field.flag + ": nothing on standard input");
            return json::quote(secret);
        }
    }
    return json::quote(value);
}

Call build_call(Context& context, const CommandSpec& spec, const Given& given) {
    Call call;
    call.endpoint = spec.endpoint;
    call.path_args = given.args;
    json::ObjectWriter body;
    if (given.body_file) {
        const std::string text = read_input(context, "--body", *given.body_file);
        json::Value object;
        try {
            object = json::parse(text);
        } catch (const DecodeError& e) {
            throw UsageError("--body " + *given.body_file + ": " + e.what());
        }
        if (!object.is_object()) throw UsageError("--body " + *given.body_file + ": expected a JSON object");
        for (const auto& [key, value] : object.members()) body.add_value(key, value);
    }
    std::vector<std::pair<std::string, json::ObjectWriter>> nested;
    for (const auto& field : spec.fields) {
        if (field.local) continue;
        const auto it = given.fields.find(field.flag);
        if (it == given.fields.end()) {
            if (!field.fallback.empty() && !field.query) put(nested, body, field.key, field.fallback);
            continue;
        }
        if (field.query) {
            const std::string value =
                field.type == FieldType::time ? resolve_time_bound(it->second, context.now()) : it->second;
            call.query.push_back({field.key, value});
        } else {
            const std::string value = field_json(context, field, it->second);
            if (field.type == FieldType::stdin_secret) call.secrets.push_back(json::parse(value).text());
            put(nested, body, field.key, value);
        }
    }
    for (auto& [name, writer] : nested) body.add_json(name, writer.str());
    for (const auto& assignment : given.set) {
        const auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw UsageError("--set expects key=value, got '" + assignment + "'");
        }
        const std::string value = assignment.substr(equals + 1);
        body.add_json(assignment.substr(0, equals), json::is_valid(value) ? value : json::quote(value));
    }
    if (given.page) call.query.push_back({"page", std::to_string(*given.page)});
    if (given.per_page) call.query.push_back({"per_page", std::to_string(*given.per_page)});
    if (given.limit && !given.all) call.query.push_back({"limit", std::to_string(*given.limit)});
    if (spec.endpoint->has_body) call.body = body.str();
    // An update with nothing in it would send PUT {} and report success having changed nothing.
    const bool update = spec.endpoint->method == "PUT" || spec.endpoint->method == "PATCH";
    if (update && call.body == "{}") {
        std::string flags;
        int shown = 0;
        bool more = false;
        for (const auto& field : spec.fields) {
            if (field.query || field.local) continue;
            if (shown == 4) {
                more = true;
                continue;
            }
            flags += (shown++ > 0 ? ", " : "") + field.flag;
        }
        if (more) flags += ", ...";
        if (spec.extra_fields) flags += std::string(shown > 0 ? ", " : "") + "--set key=value, --body FILE";
        throw UsageError("nothing to change: give at least one of " + flags);
    }
    return call;
}

int send(Context& context, const CommandSpec& spec, const Given& given, const Call& call) {
    // Created here, so secrets read from stdin are redacted too. The request shown by --dry-run
    // and in the confirmation is the very one sent.
    Client& client = context.client(call.secrets);
    const http::Request request = client.prepare(*call.endpoint, call.path_args, options_of(call));
    if (given.dry_run) {
        context.printer().request(request);
        return k_exit_ok;
    }
    confirm(context, spec, given, request);
    const TableView& view = spec.view;
    if (spec.list && given.all) {
        Call unpaged = call;
        std::erase_if(unpaged.query,
                      [](const QueryParam& p) { return p.name == "page" || p.name == "per_page"; });
        const PageFetcher fetch = [&](long page, long per_page) {
            std::vector<QueryParam> query = unpaged.query;
            query.push_back({"page", std::to_string(page)});
            query.push_back({"per_page", std::to_string(per_page)});
            return client.invoke(*unpaged.endpoint, unpaged.path_args, query, unpaged.body);
        };
        return paginate(context, fetch, {given.page, given.per_page, given.limit, view, given.max_pages});
    }
    // A read in -o raw off a terminal streams its body to stdout as it arrives (memory stays
    // flat however large the answer); a change's reply is read for its request id and line.
    http::BodySink* const raw = spec.safety == Safety::none ? context.printer().raw_sink() : nullptr;
    const RawReply reply = client.send(request, raw);
    if (raw == nullptr) context.printer().reply(reply, view);
    if (spec.safety != Safety::none) {
        // The reply of a change, read once for its request id and its success line.
        std::optional<json::Value> body;
        if (!reply.body.empty() && json::is_valid(reply.body)) body = json::parse(reply.body);
        const json::Value* object = body && body->is_object() ? &*body : nullptr;
        print_request_id(context, reply, object);
        print_done(context, spec, given, object);
    }
    return k_exit_ok;
}

int run_spec(Context& context, const CommandSpec& spec, const Given& given) {
    return send(context, spec, given, build_call(context, spec, given));
}

CLI::App* add_command(CLI::App& app, Action& action, const CommandSpec& spec) {
    // Every mutation says what it did, and every confirmation asks in words: a row without its
    // wording fails here, when any test builds the whole command tree.
    if ((spec.safety != Safety::none && spec.wording.done.empty()) ||
        (spec.safety >= Safety::ask_on_terminal && spec.wording.ask.empty())) {
        throw std::logic_error("command '" + spec.words.back() + "' has no wording for its safety");
    }
    CLI::App* parent = &app;
    for (std::size_t i = 0; i + 1 < spec.words.size(); ++i) parent = noun(*parent, spec.words[i]);
    auto* sub = parent->add_subcommand(spec.words.back(), spec.summary);
    auto given = std::make_shared<Given>();
    given->args.resize(spec.args.size());
    for (std::size_t i = 0; i < spec.args.size(); ++i) {
        sub->add_option(spec.args[i], given->args[i], spec.args[i])->required();
    }
    for (const auto& field : spec.fields) {
        if (field.type == FieldType::flag || field.type == FieldType::stdin_secret) {
            sub->add_flag_function(
                field.flag, [given, flag = field.flag](std::int64_t) { given->fields[flag] = "true"; },
                field.help);
            continue;
        }
        auto* option = sub->add_option_function<std::string>(
            field.flag, [given, flag = field.flag](const std::string& value) { given->fields[flag] = value; },
            field.help);
        if (field.required) option->required();
        if (!field.choices.empty()) option->check(CLI::IsMember(field.choices));
    }
    if (spec.list) {
        sub->add_option("--page", given->page, "page number (from 1)")->check(CLI::PositiveNumber);
        sub->add_option("--per-page", given->per_page, "items per page")->check(CLI::PositiveNumber);
        sub->add_option("--limit", given->limit, "at most this many items (across pages with --all)")
            ->check(CLI::PositiveNumber);
        sub->add_flag("--all", given->all, "fetch every page and print one list");
        sub->add_option("--max-pages", given->max_pages,
                        "with --all: stop after this many pages (default 1000)")
            ->check(CLI::PositiveNumber);
    }
    if (spec.extra_fields) {
        sub->add_option("--set", given->set,
                        "extra body field, repeatable; JSON when valid JSON, else a string")
            ->type_name("KEY=VALUE")
            ->allow_extra_args(false);
        sub->add_option("--body", given->body_file, "JSON object to send as the body (\"-\": stdin)")
            ->type_name("FILE");
    }
    if (spec.safety >= Safety::ask_on_terminal) {
        sub->add_flag("--dry-run", given->dry_run, "print the exact request and send nothing");
        sub->add_flag("--yes", given->yes, "do not ask for confirmation");
    }
    sub->footer(example(spec.example.c_str()));
    const SpecRunner runner = spec.run ? spec.run : SpecRunner(run_spec);
    sub->callback([&action, &spec, given, runner, sub] {
        // A noun that is also a command (klines SYMBOL, profile): its own action only when none of
        // its subcommands was chosen.
        if (!sub->get_subcommands().empty()) return;
        action = [&spec, given, runner](Context& c) { return runner(c, spec, *given); };
    });
    return sub;
}

void add_rows(CLI::App& app, Action& action, const Selection& only, const std::vector<CommandSpec>& rows,
              const std::vector<NounHelp>& help) {
    for (const auto& spec : rows) {
        if (only.wants(spec.words.front())) add_command(app, action, spec);
    }
    for (const auto& noun_help : help) {
        if (!only.wants(noun_help.words.front())) continue;
        CLI::App* sub = &app;
        for (const auto& word : noun_help.words) sub = sub->get_subcommand(word);
        sub->description(noun_help.description);
        sub->footer(example(noun_help.example.c_str()));
    }
}

std::optional<std::string> given_field(const Given& given, const std::string& flag) {
    const auto it = given.fields.find(flag);
    if (it == given.fields.end()) return std::nullopt;
    return it->second;
}

TableView row_view(std::vector<Column> columns, std::string empty, std::string items_key) {
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = std::move(columns);
    view.empty_message = std::move(empty);
    view.items_key = std::move(items_key);
    return view;
}

}  // namespace hyperoru::cli
