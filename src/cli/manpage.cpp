// hyperoru(1) in roff. Command names, option names and command lines are written with \- so
// that they render as the ASCII hyphen-minus a user can copy; prose keeps plain hyphens.
#include "cli/manpage.hpp"

#include <cstdio>

#include "cli/help_text.hpp"

namespace hyperoru::cli {

namespace {

/// Escapes for roff: backslash, and every character beyond ASCII as \[uXXXX] (groff reads
/// bytes, not UTF-8; an invalid sequence becomes U+FFFD). `dash` writes '-' as \-.
std::string escape(std::string_view text, bool dash) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            if (byte == '\\') {
                out += "\\e";
            } else if (byte == '-' && dash) {
                out += "\\-";
            } else {
                out += static_cast<char>(byte);
            }
            ++i;
            continue;
        }
        const std::size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        unsigned long code = length == 4 ? byte & 0x07u : length == 3 ? byte & 0x0fu : byte & 0x1fu;
        bool valid = length > 1 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xc0u) == 0x80u;
            code = (code << 6) | (next & 0x3fu);
        }
        if (!valid || code < 0x80 || code > 0x10ffff) {
            code = 0xfffd;
            i += 1;
        } else {
            i += length;
        }
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "\\[u%04lX]", code);
        out += buffer;
    }
    return out;
}

/// A line of text that no '.' or '\'' at its start turns into a request.
std::string protect(std::string line) {
    if (!line.empty() && (line.front() == '.' || line.front() == '\'')) line.insert(0, "\\&");
    return line;
}

/// Command names, option names, command lines: \- for every '-'.
std::string code(std::string_view text) {
    return protect(escape(text, true));
}

/// A quoted macro argument (.SS "hyperoru account list").
std::string macro_argument(std::string_view text) {
    std::string out = "\"";
    for (const char c : escape(text, true)) out += c == '"' ? std::string("\\(dq") : std::string(1, c);
    return out + "\"";
}

/// "\fB\-o\fR, \fB\-\-output\fR \fIFORMAT\fR": the names in bold, then the value name, or the
/// choices, in italics.
std::string option_tag(const OptionInfo& option) {
    std::string out;
    for (const auto& name : option.names) {
        out += (out.empty() ? "" : ", ") + std::string("\\fB") + escape(name, true) + "\\fR";
    }
    if (!option.choices.empty()) {
        std::string choices;
        for (const auto& choice : option.choices) {
            choices += (choices.empty() ? "" : "|") + std::string("\\fI") + escape(choice, true) + "\\fR";
        }
        out += " " + choices;
    } else if (option.takes_value && !option.value_name.empty()) {
        out += " \\fI" + escape(option.value_name, true) + "\\fR";
    }
    return out;
}

/// The description of an option or argument as a text line, "" for none (a blank line would be
/// a paragraph break).
std::string described(const OptionInfo& option) {
    std::string text = option.description;
    if (option.required) text += text.empty() ? "(required)" : " (required)";
    return text.empty() ? std::string() : roff_text(text) + "\n";
}

bool is_help(const OptionInfo& option) {
    return option.names == std::vector<std::string>{"-h", "--help"};
}

void write_options(std::string& out, const std::vector<OptionInfo>& options, bool with_help) {
    for (const auto& option : options) {
        if (is_help(option) && !with_help) continue;
        out += ".TP\n" + option_tag(option) + "\n" + described(option);
    }
}

void write_command(std::string& out, const CommandInfo& command, const std::string& path) {
    out += ".SS " + macro_argument(path) + "\n";
    if (!command.description.empty()) out += roff_text(command.description) + "\n";
    for (const auto& positional : command.positionals) {
        std::string tag = "\\fI" + escape(positional.names.front(), true) + "\\fR";
        if (!positional.choices.empty()) {
            tag += " (";
            for (std::size_t i = 0; i < positional.choices.size(); ++i) {
                tag +=
                    (i == 0 ? "" : "|") + std::string("\\fB") + escape(positional.choices[i], true) + "\\fR";
            }
            tag += ")";
        }
        out += ".TP\n" + tag + "\n" + described(positional);
    }
    write_options(out, command.options, false);
    for (const auto& sub : command.subcommands) write_command(out, sub, path + " " + sub.name);
}

/// Lines typed as they are, indented, without filling.
void write_lines(std::string& out, std::span<const std::string_view> lines) {
    out += ".PP\n.RS 4\n.nf\n";
    for (const auto line : lines) out += code(line) + "\n";
    out += ".fi\n.RE\n";
}

constexpr const char* k_description =
    "calls the Hyperoru API, the AI crypto-trading platform where each user runs several AI traders "
    "(accounts), from terminals, shell scripts and cron jobs. Each command sends its request and prints "
    "the answer on standard output: a table on a terminal, JSON otherwise, or the format chosen with "
    "--output; JSON keeps the server's keys, their order and the exact text of its numbers. Messages, "
    "warnings and errors go to standard error, an error as one line starting with \"hyperoru: error:\", "
    "and the exit status says what happened (EXIT STATUS below). The global options are accepted before "
    "and after the words of a command.";

constexpr const char* k_secrets =
    "No option takes a password, token or API key as its value: secrets come from a terminal prompt or "
    "from standard input, so they never show in the process list or the shell history, and -v traces "
    "show them redacted.";

}  // namespace

std::string roff_text(std::string_view text) {
    return protect(escape(text, false));
}

std::string man_page(const CommandInfo& root, std::string_view version, std::string_view date) {
    std::string out = ".\\\" hyperoru(1), generated from the command tree of hyperoru; do not edit.\n";
    out += ".TH HYPERORU 1 " + std::string(date) + " " + macro_argument("hyperoru " + std::string(version)) +
           " \"User Commands\"\n";

    out += ".SH NAME\nhyperoru \\- " + roff_text(k_summary) + "\n";

    out +=
        ".SH SYNOPSIS\n"
        "\\fBhyperoru\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fISUBCOMMAND\\fR...] "
        "[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n.br\n"
        "\\fBhyperoru\\fR [\\fICOMMAND\\fR...] \\fB\\-\\-help\\fR\n.br\n"
        "\\fBhyperoru \\-\\-version\\fR\n";

    out +=
        ".SH DESCRIPTION\n.B hyperoru\n" + roff_text(k_description) + "\n.PP\n" + roff_text(k_secrets) + "\n";
    const SandboxDoc sandbox = sandbox_doc();
    out += ".SS \"Offline sandbox\"\n" + roff_text(sandbox.text) + "\n";
    write_lines(out, sandbox.lines);
    out += ".SS \"Shell completion\"\n.B hyperoru completion\n" +
           roff_text(
               "prints a completion script for bash, zsh or fish, generated from the commands of this "
               "very binary. " +
               std::string(completion_install_doc()) + " To load them yourself:") +
           "\n";
    for (const auto& example : completion_examples_doc()) {
        out += ".PP\n" + roff_text(std::string(example.text) + ":") + "\n";
        write_lines(out, std::span<const std::string_view>(&example.line, 1));
    }

    out += ".SH COMMANDS\n";
    for (const auto& command : root.subcommands) write_command(out, command, root.name + " " + command.name);

    out += ".SH GLOBAL OPTIONS\n";
    write_options(out, root.options, true);

    out += ".SH ENVIRONMENT\n";
    for (const auto& variable : environment_doc()) {
        out += ".TP\n.B " + code(variable.name) + "\n" + roff_text(variable.text) + "\n";
    }
    out += ".PP\n" + roff_text(precedence_doc()) + "\n";

    out += ".SH FILES\n";
    for (const auto& file : files_doc()) {
        out += ".TP\n.I " + code(file.path) + "\n" + roff_text(file.text) + "\n";
    }

    out += ".SH EXIT STATUS\n";
    for (const auto& exit_code : exit_codes_doc()) {
        out += ".TP\n.B " + std::to_string(exit_code.code) + "\n" + roff_text(exit_code.text) + "\n";
    }

    out += ".SH EXAMPLES\n";
    bool first = true;
    for (const auto& example : examples_doc()) {
        out += (first ? "" : ".PP\n") + roff_text(example.text) + "\n";
        first = false;
        write_lines(out, std::span<const std::string_view>(&example.line, 1));
    }

    out +=
        ".SH SEE ALSO\n"
        ".B hyperoru\\-sandbox \\-\\-help\n"
        "for the offline API stand-in installed with hyperoru;\n"
        ".BR jq (1)\n"
        "to work with the JSON output.\n";
    return out;
}

}  // namespace hyperoru::cli
