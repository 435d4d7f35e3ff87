#pragma once
// One register function per noun. Each adds its subcommands to the app; when one of them is
// selected on the command line, its callback stores the action to run in `action`.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace hyperoru::cli {

using Action = std::function<int(Context&)>;

/// Which top-level commands to build. Building all of them (over a hundred subcommands with
/// their options) costs more than a whole request to a local server, so run() builds only the
/// one named on the command line; --help, completion and the man page build them all.
class Selection {
public:
    static Selection all() { return Selection{std::nullopt}; }
    static Selection only(std::string noun) { return Selection{std::move(noun)}; }
    bool wants(std::string_view noun) const { return !m_noun || *m_noun == noun; }
    bool names_one() const { return m_noun && !m_noun->empty(); }
    const std::optional<std::string>& noun() const { return m_noun; }

private:
    explicit Selection(std::optional<std::string> noun) : m_noun(std::move(noun)) {}
    std::optional<std::string> m_noun;
};

/// The selection for `args` (the command line without the program name), given the app with
/// the global options: the first word that is not an option or an option's value names the
/// command; `--version` alone needs none; no word (`--help`) needs all.
Selection select_commands(const CLI::App& globals, const std::vector<std::string>& args);

// One file per noun under commands/. app.cpp calls these in the order below, which is the order of
// the commands in --help, the man page and the completions; a file holding two nouns that are
// not neighbours there (user.cpp, prompt.cpp) has a function for each.
void register_health(CLI::App& app, Action& action, const Selection& only);
/// profile, profile update (user.cpp)
void register_profile(CLI::App& app, Action& action, const Selection& only);
void register_price(CLI::App& app, Action& action, const Selection& only);
void register_auth(CLI::App& app, Action& action, const Selection& only);  // login, logout, auth status|token
/// account create (hand-written), account overview|list|update|delete|strategy
void register_account(CLI::App& app, Action& action, const Selection& only);
void register_order(CLI::App& app, Action& action, const Selection& only);
void register_factor(CLI::App& app, Action& action, const Selection& only);
/// klines SYMBOL, klines coverage|symbols|backfill-tasks|backfill|backfill-status
void register_klines(CLI::App& app, Action& action, const Selection& only);
void register_program(CLI::App& app, Action& action, const Selection& only);
void register_prompt(CLI::App& app, Action& action, const Selection& only);
/// register, users list, exchange-config [get|set] (user.cpp)
void register_users(CLI::App& app, Action& action, const Selection& only);
/// prompt-backtest create (prompt.cpp)
void register_prompt_backtest(CLI::App& app, Action& action, const Selection& only);
/// signal list, signal definition create|show|update|delete, signal pool create
void register_signal(CLI::App& app, Action& action, const Selection& only);
void register_analytics(CLI::App& app, Action& action, const Selection& only);
void register_hyperliquid(CLI::App& app, Action& action, const Selection& only);
void register_ai(CLI::App& app, Action& action, const Selection& only);  // ai chat|conversation create|stream
void register_api(CLI::App& app, Action& action, const Selection& only);  // api: any path, like `gh api`
void register_top(CLI::App& app, Action& action, const Selection& only);
void register_watch(CLI::App& app, Action& action,
                    const Selection& only);  // watch, ws request|bootstrap, snapshot, asset-curve
/// context list|use|show|delete, config get|set|list|path: local, no request.
void register_config(CLI::App& app, Action& action, const Selection& only);
void register_completion(CLI::App& app, Action& action, const Selection& only);  // completion SHELL

/// The data of a stream request about one trader: {"account_id": ...} (a number when the id is
/// digits), with "timeframe" when given (get_asset_curve).
std::string account_data(const std::string& account,
                         const std::optional<std::string>& timeframe = std::nullopt);

/// "Example:\n  <line>" for a subcommand's --help footer.
std::string example(const char* line);

}  // namespace hyperoru::cli
