// login, logout, auth status, auth token: the session token's life in the config file.
#include <CLI/CLI.hpp>

#include <chrono>
#include <exception>
#include <istream>
#include <iterator>
#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"
#include "cli/terminal.hpp"
#include "cli/time.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

using SysSeconds = std::chrono::sys_seconds;

constexpr int k_default_token_days = 180;  // §1.2: assumed lifetime when the server sends none
constexpr int k_warn_days = 14;

// ---------------------------------------------------------------------------------------- login

struct LoginOptions {
    std::optional<std::string> email;
    std::optional<std::string> username;
    bool password_stdin = false;
};

int run_login(Context& context, const LoginOptions& options) {
    Io& io = context.io();
    // Read the config first: a corrupt file stops us before a token is created and then lost.
    context.allow_new_context();
    const Settings& settings = context.settings();

    const bool new_context = !settings.context_exists && settings.context != "default";
    const bool base_url_given =
        settings.base_url_origin == Origin::flag || settings.base_url_origin == Origin::environment;
    if (new_context && !base_url_given) {
        // A mistyped --context would otherwise log in to the default (production) server.
        context.confirm_or_cancel(
            {.question = "Context \"" + sanitize_for_terminal(settings.context) +
                         "\" does not exist. Create it for " + sanitize_for_terminal(settings.base_url),
             .command = "login",
             .refusal = "context \"" + settings.context + "\" does not exist; give --base-url to create it"});
    }
    const std::optional<std::string> no_prompt = context.prompt_refusal();
    bool announced = false;
    const auto prompt = [&](const std::string& question, bool echo) {
        if (!announced) {  // before the first question: which server the password would go to
            context.err() << "Logging in to " << sanitize_for_terminal(settings.base_url) << " (context \""
                          << sanitize_for_terminal(settings.context) << "\")\n";
            announced = true;
        }
        return io.prompt(question, echo).value_or("");
    };
    Credentials credentials;
    if (options.username) {
        credentials.by = Credentials::By::username;
        credentials.login = *options.username;
    } else if (options.email) {
        credentials.login = *options.email;
    } else if (!no_prompt && !options.password_stdin) {
        credentials.login = prompt("Email: ", true);
    } else {
        throw UsageError("--email or --username is required (" +
                         no_prompt.value_or("standard input holds the password") + ")");
    }
    if (credentials.login.empty()) throw UsageError("an email or username is required");

    if (options.password_stdin) {
        credentials.password = read_stdin_secret(*io.in);
        if (credentials.password.empty()) throw UsageError("--password-stdin: no password on standard input");
    } else if (!no_prompt) {
        credentials.password = prompt("Password: ", false);
        if (credentials.password.empty()) throw UsageError("a password is required");
    } else {
        throw UsageError("no password: pipe it with --password-stdin (" + *no_prompt + ")");
    }

    LoginResult result;
    try {
        result = context.client({credentials.password}).login(credentials).value;
    } catch (const AuthError& e) {
        // A 401 from the login endpoint itself means the credentials are wrong: the hint every
        // other 401 gets ("run 'hyperoru login'") would send the user round in a circle.
        if (e.status() != 401) throw;
        const ErrorBody& body = e.body();
        const std::string by = credentials.by == Credentials::By::username ? "username" : "email";
        return report_error(context, {body.message + "; check the " + by + " and password", e.status(),
                                      body.code, body.request_id, body.details, k_exit_auth});
    }
    const std::string issued_at = iso_utc(context.now());
    context.store().update([&](Config& config) {
        ContextConfig& entry = config.contexts[settings.context];
        entry.base_url = settings.base_url;
        entry.session_token = result.session_token;
        entry.expires_at = result.expires_at;
        entry.issued_at = issued_at;
        entry.token_rejected_at.reset();
        const bool by_email = credentials.by == Credentials::By::email;
        entry.email = result.user && result.user->email ? result.user->email
                      : by_email                        ? std::optional<std::string>(credentials.login)
                                                        : std::nullopt;
        entry.username = result.user && result.user->username ? result.user->username
                         : !by_email                          ? std::optional<std::string>(credentials.login)
                                                              : std::nullopt;
        if (!config.current_context) config.current_context = "default";
    });

    const std::string who = result.user && result.user->username ? *result.user->username : credentials.login;
    context.err() << "Logged in to " << settings.base_url << " as " << sanitize_for_terminal(who) << ".\n"
                  << "Token saved to " << context.store().file().string() << " (context \""
                  << settings.context << "\").\n";
    return k_exit_ok;
}

// --------------------------------------------------------------------------------------- logout

int run_logout(Context& context) {
    const Settings& settings = context.settings();
    std::ostream& err = context.err();
    const bool stored = settings.stored.session_token.has_value();  // an empty one is removed too
    if (!settings.token && !stored) {
        err << "Not logged in (context \"" << settings.context << "\"): nothing to do.\n";
        return k_exit_ok;
    }
    std::exception_ptr failure;
    if (settings.token) {
        try {
            switch (context.client().logout()) {
                case LogoutOutcome::revoked: err << "The server revoked the token.\n"; break;
                case LogoutOutcome::unsupported:
                    err << "This server has no logout: the token stays valid on the server until it expires "
                           "or the password is changed.\n";
                    break;
                case LogoutOutcome::already_invalid:
                    err << "The token was already invalid on the server.\n";
                    break;
            }
        } catch (const Error&) {
            // §1.2: whatever the server answers, the local copy goes. The error is reported
            // afterwards and decides the exit code: the token may still be valid on the server.
            failure = std::current_exception();
        }
    } else if (settings.token_for_other_server) {
        err << "The stored token belongs to " << *settings.token_for_other_server << "; it was not sent to "
            << settings.base_url << ".\n";
    }
    if (stored) {
        context.store().update([&](Config& config) {
            auto it = config.contexts.find(settings.context);
            if (it == config.contexts.end()) return;
            it->second.session_token.reset();
            it->second.expires_at.reset();
            it->second.issued_at.reset();
        });
        err << "Removed the token from " << context.store().file().string() << " (context \""
            << settings.context << "\").\n";
    }
    if (settings.token_origin == Origin::environment) {
        err << "The token came from HYPERORU_TOKEN: unset it to stop using it.\n";
    }
    if (failure) std::rethrow_exception(failure);
    return k_exit_ok;
}

// ---------------------------------------------------------------------------------- auth status

int run_status(Context& context) {
    const Settings& s = context.settings();
    if (!s.token) throw AuthError(0, ErrorBody{"not logged in", std::nullopt, std::nullopt, std::nullopt});

    std::optional<SysSeconds> expires;
    std::string expires_origin;
    if (s.token_origin == Origin::config) {
        if (s.stored.expires_at) {
            expires = parse_iso(*s.stored.expires_at);
            expires_origin = "server";
        } else if (s.stored.issued_at) {
            if (const auto issued = parse_iso(*s.stored.issued_at)) {
                expires = *issued + std::chrono::days{k_default_token_days};
                expires_origin = "assumed";
            }
        }
    }
    std::optional<long> days_left;
    if (expires) {
        const auto left = *expires - std::chrono::floor<std::chrono::seconds>(context.now());
        days_left = static_cast<long>(std::chrono::floor<std::chrono::days>(left).count());
    }
    const std::string token_place = s.token_origin == Origin::environment
                                        ? "HYPERORU_TOKEN environment variable"
                                        : s.config_file.string();

    // The server answered 401 to this very token since the login that stored it.
    const std::optional<std::string> rejected =
        s.token_origin == Origin::config ? s.stored.token_rejected_at : std::nullopt;

    json::ObjectWriter json;
    json.add_string("context", s.context);
    json.add_string("base_url", s.base_url);
    json.add_json("logged_in", rejected ? "false" : "true");
    if (s.stored.username && s.token_origin == Origin::config)
        json.add_string("username", *s.stored.username);
    if (s.stored.email && s.token_origin == Origin::config) json.add_string("email", *s.stored.email);
    json.add_string("token_source", s.token_origin == Origin::environment ? "environment" : "config");
    json.add_string("token_location", token_place);
    if (expires) {
        json.add_string("expires_at", iso_utc(*expires));
        json.add_string("expires_source", expires_origin);
        json.add_json("days_left", std::to_string(*days_left));
    }
    if (rejected) json.add_string("token_rejected_at", *rejected);
    RawReply reply;
    reply.content_type = "application/json";
    reply.body = json.str();

    // The layout for people; with --fields, key/value lines of just those members.
    context.printer().layout(reply, [&](std::ostream& out) {
        std::string who = "unknown (token from the environment)";
        if (s.token_origin == Origin::config) {
            who = s.stored.username.value_or("-");
            if (s.stored.email) who += " (" + *s.stored.email + ")";
        }
        out << "Context:   " << sanitize_for_terminal(s.context) << '\n'
            << "Base URL:  " << sanitize_for_terminal(s.base_url) << '\n'
            << "User:      " << sanitize_for_terminal(who) << '\n'
            << "Token:     " << (s.token_origin == Origin::environment ? "from the " : "stored in ")
            << token_place << '\n';
        if (expires) {
            out << "Expires:   " << iso_utc(*expires) << " (" << *days_left << " days left"
                << (expires_origin == "assumed" ? ", assumed: 180 days after login" : "") << ")\n";
        } else {
            out << "Expires:   unknown\n";
        }
        if (rejected)
            out << "Rejected:  " << sanitize_for_terminal(*rejected) << " (the server answered 401)\n";
    });
    if (rejected) {
        return report_error(context,
                            {"the server rejected this token on " + *rejected + "; run 'hyperoru login'",
                             0,
                             {},
                             {},
                             {},
                             k_exit_auth});
    }
    if (days_left && *days_left < 0) {
        return report_error(context, {"the token expired on " + iso_utc(*expires) + "; run 'hyperoru login'",
                                      0,
                                      {},
                                      {},
                                      {},
                                      k_exit_auth});
    }
    if (days_left && *days_left < k_warn_days) {
        context.err() << "hyperoru: warning: the token expires in " << *days_left
                      << " days; run 'hyperoru login' to renew it\n";
    }
    return k_exit_ok;
}

int run_token(Context& context) {
    const Settings& s = context.settings();
    if (!s.token) throw AuthError(0, ErrorBody{"not logged in", std::nullopt, std::nullopt, std::nullopt});
    context.out() << *s.token << '\n';
    return k_exit_ok;
}

void register_login(CLI::App& app, Action& action) {
    auto login_options = std::make_shared<LoginOptions>();
    auto* login = app.add_subcommand("login", "Log in and save the session token (POST /api/users/login)");
    auto* email = login->add_option("--email", login_options->email, "log in by email (the default method)")
                      ->type_name("EMAIL");
    auto* username = login->add_option("--username", login_options->username, "log in by username instead")
                         ->type_name("USERNAME");
    email->excludes(username);
    login->add_flag("--password-stdin", login_options->password_stdin,
                    "read the password from standard input (for scripts)");
    login->footer(example("echo \"$PASSWORD\" | hyperoru login --email you@example.com --password-stdin") +
                  "\nOn a terminal, missing values are prompted for (the password without echo).\n"
                  "No option takes a password or token on the command line.\n");
    login->callback([&action, login_options] {
        action = [login_options](Context& c) { return run_login(c, *login_options); };
    });
}

}  // namespace

void register_auth(CLI::App& app, Action& action, const Selection& only) {
    if (only.wants("login")) register_login(app, action);
    if (only.wants("logout")) {
        auto* logout =
            app.add_subcommand("logout", "Revoke the session token on the server and delete it locally");
        logout->footer(example("hyperoru logout"));
        logout->callback([&action] { action = run_logout; });
    }
    if (!only.wants("auth")) return;
    auto* auth = app.add_subcommand("auth", "Show the login state or the token");
    auth->require_subcommand(1);
    auth->footer(example("hyperoru auth status"));
    auto* status = auth->add_subcommand(
        "status", "Context, server, user, token location and expiry (exit 4 when not logged in)");
    status->footer(example("hyperoru auth status -o json"));
    status->callback([&action] { action = run_status; });
    auto* token = auth->add_subcommand("token", "Print the session token, and nothing else");
    token->footer(
        example("curl -H \"Authorization: Bearer $(hyperoru auth token)\" \"$(hyperoru config get "
                "base_url)/api/users/profile\""));
    token->callback([&action] { action = run_token; });
}

}  // namespace hyperoru::cli
