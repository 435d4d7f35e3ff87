// health: one call, printed as the server sent it; no login needed.
#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"

namespace hyperoru::cli {

namespace {

int run_health(Context& context) {
    const auto reply = context.client().health();
    context.printer().reply(reply.raw);
    return k_exit_ok;
}

}  // namespace

void register_health(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("health")) return;
    auto* health =
        app.add_subcommand("health", "Check that the API is up (GET /api/health; no login needed)");
    health->footer(example("hyperoru health"));
    health->callback([&action] { action = run_health; });
}

}  // namespace hyperoru::cli
