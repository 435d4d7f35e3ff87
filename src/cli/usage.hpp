#pragma once
// Usage errors a person can act on: what CLI11 refused, said in one plain line (an unknown command
// or flag with the nearest names, a bad value with what is accepted, what is missing) and where
// the help of the failing command is; the help of a command given without its subcommand; and
// `hyperoru help [COMMAND...]`. CLI11's own wording never reaches the user.
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace hyperoru::cli {

/// Reports a command line CLI11 refused (`app` after the failed parse, so the commands it had
/// recognised are still selected): the help of a command that needs a subcommand and got none,
/// or one plain line ending with "Run 'hyperoru ... --help' for usage.". Returns the exit code, 2.
int report_parse_error(CLI::App& app, const CLI::ParseError& error, std::ostream& err);

/// "hyperoru order create": the command CLI11 selected in `app` after a successful parse.
std::string selected_path(CLI::App& app);

/// "Run 'hyperoru order create --help' for usage.\n": the line that ends every usage error.
std::string help_hint(const std::string& path);

/// A command line with no command: the top-level help on `err`, exit 2.
int report_missing_command(CLI::App& app, std::ostream& err);

/// `hyperoru help [COMMAND...]` (`path` without "help"): that command's help on `out`, exit 0; an
/// unknown name is reported like an unknown command (exit 2). `app` holds every command.
int run_help(CLI::App& app, const std::vector<std::string>& path, std::ostream& out, std::ostream& err);

/// The names among `candidates` a person may have meant by `word`: those within a small edit
/// distance (a letter missing, extra, changed or two swapped; more for longer words), or that
/// start with it; nearest first, at most three.
std::vector<std::string> nearest_names(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hyperoru::cli
