#pragma once
// One register function per noun. Each adds its subcommands to the app; when one of them is
// selected on the command line, its callback stores the action to run in `action`.
#include <functional>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace hyperoru::cli {

using Action = std::function<int(Context&)>;

void register_basic(CLI::App& app, Action& action);    // health, profile, price
void register_auth(CLI::App& app, Action& action);     // login, logout, auth status|token
void register_account(CLI::App& app, Action& action);  // account list|create
/// Every other endpoint: the table rows of catalog.cpp and the commands of special.cpp.
void register_resources(CLI::App& app, Action& action);
void register_ai(CLI::App& app, Action& action);     // ai chat|conversation create|stream
void register_api(CLI::App& app, Action& action);    // api: any path, like `gh api`
void register_watch(CLI::App& app, Action& action);  // watch, ws request|bootstrap, snapshot, asset-curve

/// "Example:\n  <line>" for a subcommand's --help footer.
std::string example(const char* line);

}  // namespace hyperoru::cli
