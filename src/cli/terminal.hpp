#pragma once
// The controlling terminal: prompts, with echo off for passwords.
#include <optional>
#include <string>

namespace hyperoru::cli {

/// Writes `prompt` to the terminal (/dev/tty, else stderr) and reads one line from it (else
/// from stdin). With `echo` false, typed characters are not shown and the terminal settings are
/// restored afterwards, also when interrupted (then hyperoru::Interrupted is thrown).
/// nullopt at end of input.
std::optional<std::string> prompt_line(const std::string& prompt, bool echo);

}  // namespace hyperoru::cli
