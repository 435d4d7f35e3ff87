// context list|use|show|delete and config get|set|list|path: the config file's contexts and the
// settings in effect. Local only: nothing is sent to a server, and no token is ever printed.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/http.hpp"

namespace hyperoru::cli {

namespace {

constexpr const char* k_masked = "********";
constexpr const char* k_keys = "context, base_url or token";

json::Value text_or_null(const std::optional<std::string>& value) {
    return value ? json::Value::string(*value) : json::Value::null();
}

bool has_text(const std::optional<std::string>& value) {
    return value && !value->empty();
}

/// The server a context talks to: its stored base URL, else the default one (as Settings does).
std::string context_base_url(const ContextConfig& entry) {
    return has_text(entry.base_url) ? *entry.base_url : std::string(k_default_base_url);
}

/// "Logged in" means a token is stored: whether the server still takes it is only known by
/// asking it, and these commands never send a request (`auth status` tells the expiry).
bool logged_in(const ContextConfig& entry) {
    return has_text(entry.session_token);
}

int no_such_context(Context& context, const std::string& name) {
    return report_error(
        context,
        {"no context named \"" + name + "\" (see 'hyperoru context list')", 0, {}, {}, {}, k_exit_not_found});
}

/// Under the config lock, runs `edit` when the file has a context `name`. Returns false, the
/// file not even rewritten, when it has none.
bool edit_existing(Context& context, const std::string& name, const std::function<void(Config&)>& edit) {
    if (context.store().load().contexts.count(name) == 0) return false;
    struct Missing {};
    try {
        context.store().update([&](Config& config) {
            if (config.contexts.count(name) == 0) throw Missing{};  // removed since load()
            edit(config);
        });
    } catch (const Missing&) {
        return false;
    }
    return true;
}

/// A setting the environment overrides keeps applying in this shell whatever the file says.
void warn_if_overridden(Context& context, Origin origin, const char* variable, const char* what) {
    if (origin != Origin::environment) return;
    context.err() << "hyperoru: warning: " << variable << " is set and takes precedence over the " << what
                  << " stored in the config file\n";
}

// ------------------------------------------------------------------------------------ context

int run_context_list(Context& context) {
    context.allow_new_context();  // shows what is in effect, a context not in the file included
    const Config config = context.store().load();
    const std::string& in_effect = context.settings().context;
    json::Value data = json::Value::array();
    json::Value rows = json::Value::array();
    for (const auto& [name, entry] : config.contexts) {  // a std::map: sorted by name
        const bool current = name == in_effect;
        data.items().push_back(json::Value::object({
            {"name", json::Value::string(name)},
            {"current", json::Value::boolean(current)},
            {"base_url", json::Value::string(context_base_url(entry))},
            {"email", text_or_null(entry.email)},
            {"username", text_or_null(entry.username)},
            {"logged_in", json::Value::boolean(logged_in(entry))},
            {"expires_at", text_or_null(entry.expires_at)},
        }));
        rows.items().push_back(json::Value::object({
            {"current", json::Value::string(current ? "*" : "")},
            {"name", json::Value::string(name)},
            {"base_url", json::Value::string(context_base_url(entry))},
            {"user", text_or_null(has_text(entry.email) ? entry.email : entry.username)},
            {"logged_in", json::Value::string(logged_in(entry) ? "yes" : "no")},
        }));
    }
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = {{"CURRENT", {"current"}},
                    {"NAME", {"name"}},
                    {"BASE_URL", {"base_url"}},
                    {"USER", {"user"}},
                    {"LOGGED IN", {"logged_in"}}};
    view.empty_message = "No contexts. Run 'hyperoru login' to create one.";
    context.printer().local(std::move(data), std::move(rows), view);
    return k_exit_ok;
}

int run_context_use(Context& context, const std::string& name) {
    const Settings& settings = context.settings();
    const bool found = edit_existing(context, name, [&](Config& config) { config.current_context = name; });
    if (!found) return no_such_context(context, name);
    context.err() << "Switched to context \"" << sanitize_for_terminal(name) << "\".\n";
    warn_if_overridden(context, settings.context_origin, "HYPERORU_CONTEXT", "current context");
    return k_exit_ok;
}

int run_context_show(Context& context, const std::optional<std::string>& requested) {
    context.allow_new_context();  // shows what is in effect, a context not in the file included
    const std::string& in_effect = context.settings().context;
    const std::string name = requested.value_or(in_effect);
    const Config config = context.store().load();
    const auto it = config.contexts.find(name);
    // The context in effect is shown even when the file has no entry for it yet (a fresh
    // install's "default"): it is what every command uses. A name asked for must exist.
    if (it == config.contexts.end() && requested) return no_such_context(context, name);
    const ContextConfig entry = it == config.contexts.end() ? ContextConfig{} : it->second;
    json::Value data = json::Value::object({
        {"name", json::Value::string(name)},
        {"current", json::Value::boolean(name == in_effect)},
        {"base_url", json::Value::string(context_base_url(entry))},
        {"email", text_or_null(entry.email)},
        {"username", text_or_null(entry.username)},
        {"logged_in", json::Value::boolean(logged_in(entry))},
        {"expires_at", text_or_null(entry.expires_at)},
        {"issued_at", text_or_null(entry.issued_at)},
    });
    json::Value table = data;
    context.printer().local(std::move(data), std::move(table), {});
    return k_exit_ok;
}

int run_context_delete(Context& context, const std::string& name) {
    bool had_token = false;
    const bool found = edit_existing(context, name, [&](Config& config) {
        had_token = logged_in(config.contexts.at(name));
        config.contexts.erase(name);
        if (config.current_context == name) config.current_context.reset();
    });
    if (!found) return no_such_context(context, name);
    const std::string shown = sanitize_for_terminal(name);
    context.err() << "Deleted context \"" << shown << "\".\n";
    if (had_token) {
        // No prompt and no request: deleting is local. Say what it did not do, and how it is done.
        context.err() << "Its session was not logged out on the server: the token stays valid there until it "
                         "expires. To revoke a context's token, run 'hyperoru --context "
                      << shown << " logout' before deleting it.\n";
    }
    return k_exit_ok;
}

// ------------------------------------------------------------------------------------- config

enum class Key { context, base_url, token };

Key parse_key(const std::string& key) {
    if (key == "context") return Key::context;
    if (key == "base_url") return Key::base_url;
    if (key == "token") return Key::token;
    throw UsageError("unknown key \"" + key + "\": expected " + k_keys);
}

int run_config_get(Context& context, const std::string& name) {
    const Key key = parse_key(name);
    context.allow_new_context();  // prints what is in effect, a context not in the file included
    if (key == Key::token)
        throw UsageError("the token is never printed by config; use 'hyperoru auth token'");
    const Settings& s = context.settings();
    // One line whatever -o says, like `git config`: made for $(hyperoru config get base_url).
    context.out() << (key == Key::context ? s.context : s.base_url) << '\n';
    return k_exit_ok;
}

int set_base_url(Context& context, const std::string& value) {
    const std::string url = checked_base_url(value, context.options().allow_http);
    context.allow_new_context();  // `--context NAME config set base_url URL` creates NAME
    const Settings& s = context.settings();
    const auto target = http::origin_of(url);
    context.store().update([&](Config& config) {
        // Created when missing: a context can be pointed at its server before its first login.
        ContextConfig& entry = config.contexts[s.context];
        if (logged_in(entry)) {
            // The stored base URL is what ties the token to its server: changing it to another
            // origin would send the token there.
            const std::string owner = token_issuer(entry);
            if (http::origin_of(owner) != target) {
                throw UsageError("context \"" + s.context + "\" holds a token issued by " + owner +
                                 ", which would then be sent to " + url +
                                 "; run 'hyperoru logout' first, or use another context (--context NAME)");
            }
        }
        entry.base_url = url;
    });
    context.err() << "Set base_url of context \"" << sanitize_for_terminal(s.context) << "\" to "
                  << sanitize_for_terminal(url) << ".\n";
    warn_if_overridden(context, s.base_url_origin, "HYPERORU_BASE_URL", "base URL");
    return k_exit_ok;
}

int run_config_set(Context& context, const std::string& name, const std::string& value) {
    switch (parse_key(name)) {
        // Switching to a context that does not exist would leave every command on an empty one
        // without a word: the same rule as `context use` (a new context comes from `login` or
        // `config set base_url` with --context).
        case Key::context: return run_context_use(context, value);
        case Key::base_url: return set_base_url(context, value);
        case Key::token: throw UsageError("the token cannot be set by config; use 'hyperoru login'");
    }
    return k_exit_usage;
}

int run_config_list(Context& context, bool show_origin) {
    context.allow_new_context();  // shows what is in effect, a context not in the file included
    const Settings& s = context.settings();
    struct Entry {
        const char* key;
        std::optional<std::string> value;
        Origin origin;
    };
    // No token in effect is the default state; a stored token for another server is not in effect.
    const Entry entries[] = {
        {"context", s.context, s.context_origin},
        {"base_url", s.base_url, s.base_url_origin},
        {"token", s.token ? std::optional<std::string>(k_masked) : std::nullopt,
         s.token ? s.token_origin : Origin::fallback},
    };
    json::Value data = json::Value::object();
    json::Value rows = json::Value::array();
    for (const Entry& e : entries) {
        json::Value value = text_or_null(e.value);
        json::Value origin = json::Value::string(to_string(e.origin));
        rows.items().push_back(json::Value::object({{"key", json::Value::string(e.key)}, {"value", value}}));
        if (show_origin) {
            rows.items().back().members().emplace_back("origin", origin);
            data.members().emplace_back(
                e.key, json::Value::object({{"value", std::move(value)}, {"origin", std::move(origin)}}));
        } else {
            data.members().emplace_back(e.key, std::move(value));
        }
    }
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = {{"KEY", {"key"}}, {"VALUE", {"value"}}};
    if (show_origin) view.columns.push_back({"ORIGIN", {"origin"}});
    context.printer().local(std::move(data), std::move(rows), view);
    return k_exit_ok;
}

int run_config_path(Context& context) {
    // The file is not read: the path is what a user needs to fix a corrupt one.
    context.out() << context.store().file().string() << '\n';
    return k_exit_ok;
}

// ------------------------------------------------------------------------------ registration

void register_context(CLI::App& app, Action& action) {
    auto* noun = app.add_subcommand(
        "context", "Named contexts, each a base URL and a token: list, use, show, delete (local only)");
    noun->require_subcommand(1);
    noun->footer(example("hyperoru context list"));

    auto* list = noun->add_subcommand("list", "Every context in the config file; * marks the one in effect");
    list->footer(example("hyperoru context list -o json"));
    list->callback([&action] { action = run_context_list; });

    auto use_name = std::make_shared<std::string>();
    auto* use =
        noun->add_subcommand("use", "Make NAME the current context (current_context in the config file)");
    use->add_option("name", *use_name, "an existing context (see 'hyperoru context list')")
        ->required()
        ->type_name("NAME");
    use->footer(example("hyperoru context use selfhosted") +
                "\nA flag (--context) or HYPERORU_CONTEXT still takes precedence.\n");
    use->callback(
        [&action, use_name] { action = [use_name](Context& c) { return run_context_use(c, *use_name); }; });

    auto show_name = std::make_shared<std::optional<std::string>>();
    auto* show = noun->add_subcommand(
        "show", "A context's server, user and login state (default: the context in effect); never the token");
    show->add_option("name", *show_name, "a context of the config file")->type_name("NAME");
    show->footer(example("hyperoru context show selfhosted -o json"));
    show->callback([&action, show_name] {
        action = [show_name](Context& c) { return run_context_show(c, *show_name); };
    });

    auto delete_name = std::make_shared<std::string>();
    auto* remove = noun->add_subcommand(
        "delete", "Remove a context and its token from the config file (no request: not a logout)");
    remove->add_option("name", *delete_name, "the context to remove")->required()->type_name("NAME");
    remove->footer(example("hyperoru --context staging logout && hyperoru context delete staging"));
    remove->callback([&action, delete_name] {
        action = [delete_name](Context& c) { return run_context_delete(c, *delete_name); };
    });
}

void register_config_noun(CLI::App& app, Action& action) {
    auto* noun = app.add_subcommand(
        "config",
        "Settings in effect and where they come from: get, set, list, path (keys: context, base_url, "
        "token)");
    noun->require_subcommand(1);
    noun->footer(example("hyperoru config list --show-origin"));

    auto get_key = std::make_shared<std::string>();
    auto* get = noun->add_subcommand(
        "get",
        "Print the value in effect of a key, on one line (flag > environment > config file > default)");
    get->add_option("key", *get_key, "context or base_url (the token: 'hyperoru auth token')")
        ->required()
        ->type_name("KEY");
    get->footer(example("hyperoru config get base_url"));
    get->callback(
        [&action, get_key] { action = [get_key](Context& c) { return run_config_get(c, *get_key); }; });

    auto set_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* set = noun->add_subcommand(
        "set",
        "Store a setting: context (the current context, which must exist) or base_url (of the context "
        "in effect)");
    set->add_option("key", set_args->first, "context or base_url")->required()->type_name("KEY");
    set->add_option("value", set_args->second, "the new value")->required()->type_name("VALUE");
    set->footer(example("hyperoru --context selfhosted config set base_url https://hyperoru.example.com") +
                "\nbase_url is refused while the context holds a token issued by another server\n"
                "(run 'hyperoru logout' first). The token is set by 'hyperoru login' only.\n");
    set->callback([&action, set_args] {
        action = [set_args](Context& c) { return run_config_set(c, set_args->first, set_args->second); };
    });

    auto show_origin = std::make_shared<bool>(false);
    auto* list = noun->add_subcommand("list", "Every setting in effect (the token masked)");
    list->add_flag("--show-origin", *show_origin,
                   "say where each value comes from: flag, environment, config file or default");
    list->footer(example("hyperoru config list --show-origin"));
    list->callback([&action, show_origin] {
        action = [show_origin](Context& c) { return run_config_list(c, *show_origin); };
    });

    auto* path = noun->add_subcommand("path", "Print the config file's path (whether it exists yet or not)");
    path->footer(example("hyperoru config path"));
    path->callback([&action] { action = run_config_path; });
}

}  // namespace

void register_config(CLI::App& app, Action& action, const Selection& only) {
    if (only.wants("context")) register_context(app, action);
    if (only.wants("config")) register_config_noun(app, action);
}

}  // namespace hyperoru::cli
