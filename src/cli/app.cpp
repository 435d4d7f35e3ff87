// The CLI11 app: global options, the command tree, and the one place where errors become exit
// codes.
#include "cli/app.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/command_tree.hpp"
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/help_text.hpp"
#include "cli/output.hpp"
#include "cli/time.hpp"
#include "cli/usage.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/retry.hpp"
#include "hyperoru/version.hpp"

namespace hyperoru::cli {

std::string example(const char* line) {
    return std::string("\nExample:\n  ") + line + "\n";
}

namespace {

std::string app_description() {
    return "hyperoru: " + std::string(k_summary);
}

/// --fields a,b,c: member names, in order. Names are taken as given (no trimming: a member name
/// may contain spaces); an empty name or a repeated one is a mistake worth stopping for.
std::vector<std::string> parse_fields(const std::string& text) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (name.empty()) {
            throw CLI::ValidationError("--fields",
                                       text.empty() ? std::string("empty list; expected names like id,name")
                                                    : "empty name in '" + text + "'");
        }
        if (std::find(fields.begin(), fields.end(), name) != fields.end()) {
            throw CLI::ValidationError("--fields", "'" + name + "' is named twice");
        }
        fields.push_back(std::move(name));
        if (comma == std::string::npos) return fields;
        start = comma + 1;
    }
}

/// Seconds for a timeout: at least 1 ms (a smaller value would round to 0, which libcurl takes as
/// no timeout at all) and at most a year.
CLI::Validator timeout_seconds() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double value = 0;
            std::size_t used = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size() || !(value >= 0.001) || value > 31536000) {
                return "expects seconds from 0.001 to 31536000, got '" + text + "'";
            }
            return {};
        },
        "");
}

void add_global_options(CLI::App& app, GlobalOptions& o) {
    app.add_option("--base-url", o.base_url, "API base URL (default https://api.production.hyperoru.com)")
        ->type_name("URL");
    app.add_option("--context", o.context, "named base URL + token from the config file (default: default)")
        ->type_name("NAME");
    app.add_option("-o,--output", o.output,
                   "output format: auto (table on a terminal, else json), json, ndjson, table, raw")
        ->check(CLI::IsMember({"auto", "json", "ndjson", "table", "raw"}))
        ->type_name("FORMAT");
    app.add_option("--timeout", o.timeout_seconds,
                   "seconds for each call, retries and their waits included (default 30)")
        ->check(timeout_seconds())
        ->type_name("SECONDS");
    app.add_option("--connect-timeout", o.connect_timeout_seconds, "seconds to connect (default 10)")
        ->check(timeout_seconds())
        ->type_name("SECONDS");
    app.add_option("--retries", o.retries, "retries of transient failures (default 3; 0 disables)")
        ->check(CLI::Range(0, 100))
        ->type_name("N");
    app.add_flag("-v,--verbose", o.verbose,
                 "print requests, responses and retries on stderr (secrets redacted)");
    app.add_option("--cacert", o.cacert, "CA bundle to verify the server's TLS certificate")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    app.add_flag("--insecure", o.insecure, "do not verify TLS certificates (warns on every run)");
    app.add_flag("--allow-http", o.allow_http, "allow plain http to a non-loopback host (warns)");
    app.add_option_function<std::string>(
           "--max-response-size",
           [&o](const std::string& text) {
               // 64M, 512K, 1G or plain bytes; a response beyond it fails with exit 9, memory bounded.
               std::size_t used = 0;
               unsigned long long value = 0;
               try {
                   value = std::stoull(text, &used);
               } catch (const std::exception&) {
                   throw CLI::ValidationError("--max-response-size",
                                              "expects a size like 64M, got '" + text + "'");
               }
               const std::string unit = text.substr(used);
               const unsigned long long scale = unit.empty() || unit == "B" ? 1ULL
                                                : unit == "K"               ? 1ULL << 10
                                                : unit == "M"               ? 1ULL << 20
                                                : unit == "G"               ? 1ULL << 30
                                                                            : 0ULL;
               if (scale == 0 || value == 0 || value > (1ULL << 40) / scale) {
                   throw CLI::ValidationError("--max-response-size",
                                              "expects a size like 64M, got '" + text + "'");
               }
               o.max_response_bytes = static_cast<std::size_t>(value * scale);
           },
           "largest response body accepted (default 64M; K, M, G suffixes)")
        ->type_name("SIZE");
    app.add_option_function<std::string>(
           "--fields", [&o](const std::string& text) { o.fields = parse_fields(text); },
           "keep only these members (comma-separated), in this order, in json, ndjson and table "
           "output; table columns are these fields")
        ->type_name("LIST");
    app.add_flag("--no-color", o.no_color,
                 "no colour in tables (also NO_COLOR=1, TERM=dumb, or off a terminal)");
    app.add_flag("--no-input", o.no_input,
                 "never prompt, even on a terminal: what would be asked is an error instead");
    app.add_flag("-q,--quiet", o.quiet,
                 "no retry notices, spinner or progress on stderr (errors and warnings still show)");
}

int exit_code_for_status(long status) {
    if (status == 401) return k_exit_auth;
    if (status == 403) return k_exit_forbidden;
    if (status == 404) return k_exit_not_found;
    if (status == 429) return k_exit_rate_limited;
    if (status >= 500) return k_exit_server;
    if (status >= 400) return k_exit_rejected;
    return k_exit_error;
}

ErrorReport report_for(const ApiError& e) {
    ErrorReport r;
    r.message = e.body().message;
    r.status = e.status();
    r.code = e.body().code;
    r.request_id = e.body().request_id;
    r.details = e.body().details;
    r.exit_code = exit_code_for_status(e.status());
    return r;
}

std::string not_logged_in_message(Context& context) {
    std::string message;
    try {
        const Settings& s = context.settings();
        if (s.token_for_other_server) {
            return "the token of context \"" + s.context + "\" was issued by " + *s.token_for_other_server +
                   " and is never sent to " + s.base_url +
                   "; run 'hyperoru login' for this server or use --context";
        }
        message = "not logged in (context \"" + s.context + "\")";
    } catch (const Error&) {
        message = "not logged in";
    }
    return message + "; run 'hyperoru login' or set HYPERORU_TOKEN";
}

/// A 401 to the token stored for this context is written down with it, so `auth status` can
/// say the server rejected it (until the next login). A token from HYPERORU_TOKEN is not the
/// file's to mark. Failing to write is no reason to hide the error being reported.
void remember_rejection(Context& context) {
    try {
        const Settings& s = context.settings();
        if (!s.token || s.token_origin != Origin::config) return;
        const std::string when = iso_utc(context.now());
        context.store().update([&](Config& config) {
            const auto it = config.contexts.find(s.context);
            if (it != config.contexts.end() && it->second.session_token == s.token) {
                it->second.token_rejected_at = when;
            }
        });
    } catch (const Error&) {
    }
}

/// Runs the selected command (`path`, "hyperoru order create") and maps what it throws to the
/// documented exit codes, on stderr.
int run_action(Context& context, const Action& action, const std::string& path) {
    try {
        return action(context);
    } catch (const AuthError& e) {
        ErrorReport r = report_for(e);
        r.exit_code = k_exit_auth;
        if (e.status() == 0) {
            r.message = not_logged_in_message(context);
        } else {
            if (e.status() == 401) remember_rejection(context);
            r.message += "; run 'hyperoru login'";
        }
        return report_error(context, r);
    } catch (const ApiError& e) {
        return report_error(context, report_for(e));
    } catch (const StreamError& e) {
        const ErrorBody& body = e.body();
        if (e.kind() == StreamError::Kind::rejected) {
            remember_rejection(context);
            return report_error(
                context, {"the stream rejected the token (" + body.message + "); run 'hyperoru login'", 0,
                          body.code, body.request_id, body.details, k_exit_auth});
        }
        return report_error(context,
                            {body.message, 0, body.code, body.request_id, body.details, k_exit_error});
    } catch (const Interrupted&) {
        return report_error(context, {"interrupted", 0, {}, {}, {}, k_exit_interrupted});
    } catch (const TransportError& e) {
        return report_error(context, network_error(e, context.options()));
    } catch (const DecodeError& e) {
        return report_error(
            context, {std::string("invalid response: ") + e.what(), 0, {}, {}, {}, k_exit_invalid_response});
    } catch (const Cancelled& e) {
        return report_error(context, {e.what(), 0, {}, {}, {}, k_exit_usage});
    } catch (const UsageError& e) {
        // Like a usage error of the parser: where the failing command's help is (not in the JSON
        // error lines of -o json / ndjson, which are one object each).
        const int code = report_error(context, {e.what(), 0, {}, {}, {}, k_exit_usage});
        const std::string& output = context.options().output;
        if (output != "json" && output != "ndjson") context.err() << help_hint(path);
        return code;
    } catch (const std::exception& e) {
        return report_error(context, {e.what(), 0, {}, {}, {}, k_exit_error});
    }
}

/// The app with the global options only; commands come from add_commands().
void build_globals(CLI::App& app, GlobalOptions& options) {
    app.set_version_flag("--version", std::string("hyperoru ") + k_version);
    app.footer(help_footer());
    app.require_subcommand(1);
    app.fallthrough();
    add_global_options(app, options);
}

void add_commands(CLI::App& app, Action& action, const Selection& only) {
    // The order here is the order of the commands in --help, the man page and the completions.
    register_health(app, action, only);
    register_profile(app, action, only);
    register_price(app, action, only);
    register_auth(app, action, only);
    register_account(app, action, only);
    register_order(app, action, only);
    register_factor(app, action, only);
    register_klines(app, action, only);
    register_program(app, action, only);
    register_prompt(app, action, only);
    register_users(app, action, only);
    register_prompt_backtest(app, action, only);
    register_signal(app, action, only);
    register_analytics(app, action, only);
    register_hyperliquid(app, action, only);
    register_ai(app, action, only);
    register_api(app, action, only);
    register_watch(app, action, only);
    register_top(app, action, only);
    register_config(app, action, only);
    register_completion(app, action, only);
}

void collect_paths(const CLI::App& app, const std::string& prefix, std::vector<std::string>& paths) {
    const auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) paths.push_back(prefix);
    for (const CLI::App* sub : subs) {
        collect_paths(*sub, prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name(), paths);
    }
}

}  // namespace

Selection select_commands(const CLI::App& globals, const std::vector<std::string>& args) {
    bool version = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') return Selection::only(arg);
        if (arg == "--version") version = true;
        if (arg.find('=') != std::string::npos) continue;  // --output=json
        const bool long_form = arg.starts_with("--");
        if (!long_form && arg.size() > 2) continue;  // -ojson: the value is attached
        const CLI::Option* option = globals.get_option_no_throw(arg);
        if (option != nullptr && option->get_expected_min() > 0) ++i;  // its value is the next word
    }
    return version ? Selection::only("") : Selection::all();
}

std::optional<std::string> selected_command(const std::vector<std::string>& args) {
    GlobalOptions options;
    CLI::App app{"hyperoru", "hyperoru"};
    build_globals(app, options);
    return select_commands(app, args).noun();
}

std::vector<std::string> command_paths() {
    GlobalOptions options;
    Action action;
    CLI::App app{"hyperoru", "hyperoru"};
    build_globals(app, options);
    add_commands(app, action, Selection::all());
    std::vector<std::string> paths;
    collect_paths(app, "", paths);
    return paths;
}

namespace {

/// What the validators of `option` print in help: "{a,b,c}" for IsMember, "POSITIVE", ...
std::vector<std::string> validator_descriptions(CLI::Option& option) {
    // CLI11 2.1 gives no count of an option's validators, only access by index that throws past
    // the last one.
    std::vector<std::string> descriptions;
    for (int i = 0;; ++i) {
        try {
            descriptions.push_back(option.get_validator(i)->get_description());
        } catch (const CLI::OptionNotFound&) {
            return descriptions;
        }
    }
}

/// The values of an IsMember validator ("{auto,json}"); a transformer's map ("{a->b}") is no
/// list of choices.
std::vector<std::string> choices_of(const std::string& description) {
    std::vector<std::string> choices;
    if (description.size() < 2 || description.front() != '{' || description.back() != '}' ||
        description.find("->") != std::string::npos) {
        return choices;
    }
    std::size_t start = 1;
    while (start < description.size()) {
        std::size_t comma = description.find(',', start);
        if (comma == std::string::npos) comma = description.size() - 1;
        if (comma > start) choices.push_back(description.substr(start, comma - start));
        start = comma + 1;
    }
    return choices;
}

OptionInfo option_info(CLI::Option& option) {
    OptionInfo info;
    if (option.nonpositional()) {
        for (const auto& name : option.get_snames()) info.names.push_back("-" + name);
        for (const auto& name : option.get_lnames()) info.names.push_back("--" + name);
    } else {
        info.names.push_back(option.get_name(true));
    }
    info.description = option.get_description();
    info.takes_value = option.get_items_expected_max() > 0;  // a flag expects 0 values
    info.required = option.get_required();
    // get_type_name() is the value name followed by ":<description>" of each validator.
    std::string value_name = option.get_type_name();
    std::string suffix;
    for (const auto& description : validator_descriptions(option)) {
        if (description.empty()) continue;
        suffix += ":" + description;
        const auto choices = choices_of(description);
        info.choices.insert(info.choices.end(), choices.begin(), choices.end());
    }
    if (value_name.ends_with(suffix)) value_name.resize(value_name.size() - suffix.size());
    if (info.takes_value) info.value_name = value_name;
    return info;
}

CommandInfo command_info(CLI::App& app) {
    CommandInfo info;
    info.name = app.get_name();
    info.description = app.get_description();
    for (CLI::Option* option : app.get_options()) {
        if (option->get_group().empty()) continue;  // hidden
        (option->nonpositional() ? info.options : info.positionals).push_back(option_info(*option));
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        if (!sub->get_name().empty()) info.subcommands.push_back(command_info(*sub));
    }
    return info;
}

}  // namespace

CommandInfo command_tree() {
    GlobalOptions options;
    Action action;
    CLI::App app{app_description(), "hyperoru"};
    build_globals(app, options);
    add_commands(app, action, Selection::all());
    return command_info(app);
}

namespace {

/// Flushes stdout and turns a failed write into the exit code: a reader that went away
/// (`| head -1`, EPIPE) ends the command quietly with its own code, as closing the pipe is the
/// reader's choice; any other failure (a full disk) is an error, because output was lost.
int finish_output(Io& io, int code) {
    io.out->flush();
    if (*io.out) return code;
    const int error = io.out_error ? io.out_error() : 0;
    if (error == EPIPE) return code;
    if (error == EINTR && interrupt_flag().load()) return k_exit_interrupted;
    if (error == EBADF) {
        *io.err << "hyperoru: error: standard output is closed\n";
        return code == k_exit_ok ? k_exit_error : code;
    }
    *io.err << "hyperoru: error: cannot write to standard output"
            << (error != 0 ? std::string(": ") + std::strerror(error) : std::string()) << '\n';
    return code == k_exit_ok ? k_exit_error : code;
}

}  // namespace

int run(const std::vector<std::string>& args, Io& io) {
    GlobalOptions options;
    Action action;
    CLI::App app{app_description(), "hyperoru"};
    build_globals(app, options);
    const Selection only = select_commands(app, args);
    add_commands(app, action, only);
    // Not a command name: build them all, so CLI11 reports the mistake as it always does.
    if (only.names_one() && app.get_subcommands([](CLI::App*) { return true; }).empty()) {
        add_commands(app, action, Selection::all());
    }

    if (only.noun() == "help") {  // hyperoru help [COMMAND...]: the words after "help"
        std::vector<std::string> path;
        bool after = false;
        for (const auto& arg : args) {
            if (after && !arg.starts_with("-")) path.push_back(arg);
            after = after || arg == "help";
        }
        return finish_output(io, run_help(app, path, *io.out, *io.err));
    }
    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return finish_output(io, app.exit(e, *io.out, *io.err));
    } catch (const CLI::CallForAllHelp& e) {
        return finish_output(io, app.exit(e, *io.out, *io.err));
    } catch (const CLI::CallForVersion& e) {
        return finish_output(io, app.exit(e, *io.out, *io.err));
    } catch (const CLI::ParseError& e) {
        return report_parse_error(app, e, *io.err);
    }
    if (!action) return report_missing_command(app, *io.err);
    Context context(io, options);
    if (!options.fields.empty() && options.output == "raw") {
        // raw is the server's bytes unchanged: selecting members would contradict it.
        report_error(context, {"--fields does not apply to -o raw", 0, {}, {}, {}, k_exit_usage});
        *io.err << help_hint(selected_path(app));
        return k_exit_usage;
    }
    return finish_output(io, run_action(context, action, selected_path(app)));
}

}  // namespace hyperoru::cli
