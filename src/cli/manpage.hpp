#pragma once
// The man page hyperoru(1), in roff with the man(7) macros, generated from the command tree
// (command_tree.hpp) and the shared help text (help_text.hpp).
#include <string>
#include <string_view>

#include "cli/command_tree.hpp"

namespace hyperoru::cli {

/// The whole page: NAME, SYNOPSIS, DESCRIPTION (with the offline sandbox), COMMANDS (each command
/// path with its description, options and arguments), GLOBAL OPTIONS, ENVIRONMENT, FILES,
/// EXIT STATUS, EXAMPLES, SEE ALSO. `date` (YYYY-MM-DD) and `version` go to the title line.
std::string man_page(const CommandInfo& root, std::string_view version, std::string_view date);

/// `text` for a roff text line: backslashes as \e, other than ASCII as \[uXXXX], and \& before
/// a '.' or '\'' that would start the line (and make it a request).
std::string roff_text(std::string_view text);

}  // namespace hyperoru::cli
