#pragma once
// The controlling terminal: prompts, with echo off for passwords.
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

namespace hyperoru::cli {

/// Writes `prompt` to the terminal (/dev/tty, else stderr) and reads one line from it (else
/// from stdin). With `echo` false, typed characters are not shown and the terminal settings are
/// restored afterwards, also when interrupted (then the prompt's line is ended and
/// hyperoru::Interrupted is thrown).
/// nullopt at end of input.
std::optional<std::string> prompt_line(const std::string& prompt, bool echo);

/// The most read_stdin_secret takes: no password or API key is this long.
inline constexpr std::size_t k_max_secret_bytes = 4096;
/// The most a file or standard input named for a request body may hold (--body, --input,
/// --code-file and the other file flags): a bound on memory, far above any real body.
inline constexpr std::size_t k_max_input_bytes = std::size_t{16} << 20;

/// All of `in`, at most `limit` bytes. Throws UsageError "<what>: more than <limit> bytes" as
/// soon as there are more, without reading the rest.
std::string read_bounded(std::istream& in, std::size_t limit, const std::string& what);

/// A secret piped on standard input (--password-stdin, --llm-api-key-stdin): all of it, without
/// its trailing CR and LF characters.
/// At most k_max_secret_bytes (UsageError beyond).
std::string read_stdin_secret(std::istream& in);

}  // namespace hyperoru::cli
