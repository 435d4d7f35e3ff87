#pragma once
// The command tree as plain data, read once from the CLI11 app, for what is generated from it:
// shell completions (completion.hpp) and the man page (manpage.hpp). No CLI11 type here, so the
// generators compile without CLI11 and cannot drift from the commands.
#include <string>
#include <vector>

namespace hyperoru::cli {

/// An option or a positional argument of one command.
struct OptionInfo {
    /// "-o", "--output" for an option (short names first); the name alone ("symbols") for a
    /// positional argument.
    std::vector<std::string> names;
    /// What the value is called in help ("FORMAT", "FILE", "SYMBOL..."); empty for a flag.
    std::string value_name;
    /// The values it accepts, when it accepts only some (its IsMember validator).
    std::vector<std::string> choices;
    std::string description;
    bool takes_value = false;  ///< false for a flag
    bool required = false;
};

/// A command: the root (`hyperoru`, whose options are the global ones, valid at every level) or
/// a subcommand, with its own subcommands in help order.
struct CommandInfo {
    std::string name;
    std::string description;
    std::vector<OptionInfo> options;  ///< in help order, --help included
    std::vector<OptionInfo> positionals;
    std::vector<CommandInfo> subcommands;
};

/// The whole tree, every command built (Selection::all()), read from the same CLI11 app that
/// run() parses with.
CommandInfo command_tree();

}  // namespace hyperoru::cli
