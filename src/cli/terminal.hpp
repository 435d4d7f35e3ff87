#pragma once
// The controlling terminal: prompts, with echo off for passwords.
#include <iosfwd>
#include <optional>
#include <string>

namespace hyperoru::cli {

/// Writes `prompt` to the terminal (/dev/tty, else stderr) and reads one line from it (else
/// from stdin). With `echo` false, typed characters are not shown and the terminal settings are
/// restored afterwards, also when interrupted (then hyperoru::Interrupted is thrown).
/// nullopt at end of input.
std::optional<std::string> prompt_line(const std::string& prompt, bool echo);

/// A secret piped on standard input (--password-stdin, --llm-api-key-stdin): all of it, without
/// its trailing CR and LF characters.
std::string read_stdin_secret(std::istream& in);

}  // namespace hyperoru::cli
