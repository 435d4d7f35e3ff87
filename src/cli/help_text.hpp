#pragma once
// The documentation that is not in the command tree: examples, the offline sandbox, environment
// variables, files and exit codes, as data. `hyperoru --help` prints it in its footer and the man
// page (manpage.hpp) lays it out in its sections, so the two say the same thing.
#include <span>
#include <string>
#include <string_view>

namespace hyperoru::cli {

/// What hyperoru is, in one line ("hyperoru - <summary>" in the man page's NAME).
inline constexpr std::string_view k_summary = "the command-line client for the Hyperoru AI trading API";

struct ExampleDoc {
    std::string_view line;  ///< a command line, as typed
    std::string_view text;  ///< what it does (the man page's EXAMPLES)
};

struct EnvironmentDoc {
    std::string_view name;
    std::string_view text;
};

struct FileDoc {
    std::string_view path;
    std::string_view text;
};

struct ExitCodeDoc {
    int code;
    std::string_view text;
};

/// The offline API stand-in: a paragraph and the command lines that start it and log in.
struct SandboxDoc {
    std::string_view text;
    std::span<const std::string_view> lines;
};

std::span<const ExampleDoc> examples_doc();
std::span<const EnvironmentDoc> environment_doc();
/// How a setting is chosen when given several ways.
std::string_view precedence_doc();
std::span<const FileDoc> files_doc();
std::span<const ExitCodeDoc> exit_codes_doc();
SandboxDoc sandbox_doc();

/// How to load the completion script of each shell (`hyperoru completion`), and where the
/// packages put them.
std::span<const ExampleDoc> completion_examples_doc();
std::string_view completion_install_doc();

/// The footer of `hyperoru completion --help`.
std::string completion_footer();

/// The footer of `hyperoru --help`: examples, the sandbox, environment, files and exit codes.
std::string help_footer();

/// `text` broken at spaces into lines of at most `width` columns (a longer word stays whole),
/// each starting with `indent`, each ending with "\n".
std::string wrap(std::string_view text, std::string_view indent, std::size_t width);

}  // namespace hyperoru::cli
