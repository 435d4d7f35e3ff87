// `hyperoru api`: any path under the base URL with the same auth, retries, output formats and
// exit codes as every other command, for endpoints the contract does not list yet (like gh api).
#include <CLI/CLI.hpp>

#include <fstream>
#include <iterator>
#include <memory>

#include "cli/commands/spec.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

namespace {

struct ApiOptions {
    std::optional<std::string> method;
    std::string path;
    std::vector<std::string> fields;
    std::optional<std::string> input;
    std::vector<std::string> headers;
    bool paginate = false;
    long max_pages = k_default_max_pages;
    bool yes = false;
};

std::string trim(std::string s) {
    const auto start = s.find_first_not_of(" \t");
    const auto end = s.find_last_not_of(" \t");
    return start == std::string::npos ? std::string() : s.substr(start, end - start + 1);
}

int run_api(Context& context, const ApiOptions& options) {
    if (!options.path.starts_with('/')) throw UsageError("api: PATH must start with '/', e.g. /api/health");
    if (options.input && !options.fields.empty()) throw UsageError("api: -f and --input exclude each other");
    const bool has_payload = options.input || !options.fields.empty();
    std::string method = options.method.value_or(has_payload ? "POST" : "GET");
    for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

    CallOptions call;
    // The token goes with every call when there is one; without one the call is sent as is.
    call.authenticated = context.settings().token.has_value();
    for (const auto& header : options.headers) {
        const auto colon = header.find(':');
        if (colon == std::string::npos || colon == 0)
            throw UsageError("api: -H expects 'Name: value', got '" + header + "'");
        std::string name = trim(header.substr(0, colon));
        std::string lowered = name;
        for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lowered == "authorization" || lowered == "host") {
            throw UsageError("api: the " + name +
                             " header is set by hyperoru (log in, or set HYPERORU_TOKEN)");
        }
        call.headers.push_back({std::move(name), trim(header.substr(colon + 1))});
    }
    // -f key=value: query parameters for GET and DELETE, JSON body members otherwise (values that
    // are valid JSON are sent as JSON, exactly, like --set).
    const bool fields_in_query = method == "GET" || method == "DELETE" || method == "HEAD";
    json::ObjectWriter body;
    for (const auto& field : options.fields) {
        const auto equals = field.find('=');
        if (equals == std::string::npos || equals == 0)
            throw UsageError("api: -f expects key=value, got '" + field + "'");
        const std::string key = field.substr(0, equals);
        const std::string value = field.substr(equals + 1);
        if (fields_in_query) {
            call.query.push_back({key, value});
        } else {
            body.add_json(key, json::is_valid(value) ? value : json::quote(value));
        }
    }
    if (options.input) {
        call.body = read_input(context, "--input", *options.input);
    } else if (!fields_in_query && !options.fields.empty()) {
        call.body = body.str();
    }

    if (method == "DELETE" && !options.yes) {
        // A DELETE deletes whichever path it names: confirmed like `account delete`.
        const std::string what = "DELETE " + context.connection().base_url + options.path;
        context.confirm_or_cancel({.question = "Send " + sanitize_for_terminal(what),
                                   .command = "api",
                                   .refusal = "refusing to " + what + " without --yes"});
    }
    // -f without -X makes a POST; a path that only answers GET says 405, which is no hint at all.
    const auto rethrow_hinted = [&](const ApiError& e) {
        if (e.status() != 405 || options.method || options.fields.empty()) throw;
        ErrorBody said = e.body();
        said.message += " (-f makes a POST; add -X GET to send the fields as query parameters)";
        throw ApiError(e.status(), std::move(said), e.attempts());
    };
    if (options.paginate) {
        const PageFetcher fetch = [&](long page, long per_page) {
            CallOptions paged = call;
            paged.query.push_back({"page", std::to_string(page)});
            paged.query.push_back({"per_page", std::to_string(per_page)});
            return context.client().call(method, options.path, paged);
        };
        PageOptions paging;
        paging.max_pages = options.max_pages;
        return paginate(context, fetch, paging);
    }
    try {
        context.printer().reply(context.client().call(method, options.path, call));
    } catch (const ApiError& e) {
        rethrow_hinted(e);
    }
    return k_exit_ok;
}

}  // namespace

void register_api(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("api")) return;
    auto options = std::make_shared<ApiOptions>();
    auto* api = app.add_subcommand("api", "Call any API path with hyperoru's auth, retries and output");
    api->add_option("path", options->path, "path under the base URL, e.g. /api/health (may carry ?query)")
        ->required();
    api->add_option("-X,--method", options->method, "HTTP method (default GET, or POST with -f/--input)")
        ->type_name("METHOD");
    api->add_option("-f,--field", options->fields,
                    "key=value: a query parameter for GET/DELETE, else a JSON body member")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    api->add_option("--input", options->input, "request body from a file (\"-\": stdin), sent as JSON")
        ->type_name("FILE");
    api->add_option("-H,--header", options->headers, "extra request header")
        ->type_name("'NAME: VALUE'")
        ->allow_extra_args(false);
    api->add_flag("--yes", options->yes, "do not ask before a DELETE");
    api->add_flag("--paginate", options->paginate, "fetch every page (page/per_page) and print one list");
    api->add_option("--max-pages", options->max_pages,
                    "with --paginate: stop after this many pages (default 1000)")
        ->check(CLI::PositiveNumber);
    api->footer(example("hyperoru api -X POST /api/orders/create --input order.json"));
    api->callback([&action, options] { action = [options](Context& c) { return run_api(c, *options); }; });
}

}  // namespace hyperoru::cli
