#pragma once
// Shell completion scripts generated from the command tree (command_tree.hpp). The three shells
// complete alike: the words typed so far are walked, past options and the values of options that
// take one, to find the command; then the word under the cursor gets
//  - after an option with choices: the choices; after one that takes a file: files;
//    after any other option that takes a value: nothing;
//  - when it starts with '-': the options of that command and the global options;
//  - otherwise: the subcommands of that command, and the choices of its arguments.
// `--option=value` in one word is skipped as a whole, and completed after its '='.
#include <string>

#include "cli/command_tree.hpp"

namespace hyperoru::cli {

/// A bash script defining _hyperoru and `complete -F _hyperoru hyperoru`; for `source` and for
/// bash-completion's directory (where it is sourced inside a function, hence no global arrays).
std::string bash_completion(const CommandInfo& root);

/// A zsh completion function `#compdef hyperoru` for a directory of $fpath, that may also be
/// sourced after compinit (it then calls compdef).
std::string zsh_completion(const CommandInfo& root);

/// fish `complete -c hyperoru` lines with the functions they call.
std::string fish_completion(const CommandInfo& root);

}  // namespace hyperoru::cli
