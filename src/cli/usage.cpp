// Usage errors in plain words (see usage.hpp). CLI11 says what went wrong in its own terms
// ("Value 0 not in range 0.000000 to 1797...", arguments listed back to front); this file finds
// the command and the option involved from the parse CLI11 left behind and says it again.
#include "cli/usage.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <numeric>
#include <optional>
#include <string_view>

#include "cli/app.hpp"

namespace hyperoru::cli {

namespace {

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring letters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

/// The top-level app, then each command CLI11 selected below it.
std::vector<CLI::App*> selected_chain(CLI::App& app) {
    std::vector<CLI::App*> chain{&app};
    for (;;) {
        const auto selected = chain.back()->get_subcommands();
        if (selected.empty()) return chain;
        chain.push_back(selected.front());
    }
}

/// "hyperoru account list"
std::string path_of(const std::vector<CLI::App*>& chain) {
    std::string path;
    for (const CLI::App* command : chain) path += (path.empty() ? "" : " ") + command->get_name();
    return path;
}

std::vector<CLI::App*> subcommands_of(CLI::App& command) {
    return command.get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

std::vector<std::string> names_of(const std::vector<CLI::App*>& commands) {
    std::vector<std::string> names;
    for (const CLI::App* command : commands) names.push_back(command->get_name());
    return names;
}

/// Every "--long" and "-s" name of the options of the commands in `chain` (the global ones
/// included: they are accepted after any command).
std::vector<std::string> flag_names(const std::vector<CLI::App*>& chain) {
    std::vector<std::string> names;
    for (CLI::App* command : chain) {
        for (const CLI::Option* option : command->get_options()) {
            if (!option->nonpositional()) continue;
            for (const auto& name : option->get_lnames()) names.push_back("--" + name);
            for (const auto& name : option->get_snames()) names.push_back("-" + name);
        }
    }
    return names;
}

/// "\"a\"", "\"a\" or \"b\"", "\"a\", \"b\" or \"c\""
std::string alternatives(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
        text += "\"" + names[i] + "\"";
    }
    return text;
}

/// Commands anywhere below `command` named `word`, as full paths: "positions" is
/// "hyperoru hyperliquid positions".
void find_commands(CLI::App& command, const std::string& prefix, const std::string& word,
                   std::vector<std::string>& found) {
    for (CLI::App* sub : subcommands_of(command)) {
        const std::string path = prefix + " " + sub->get_name();
        if (sub->get_name() == word) found.push_back(path);
        find_commands(*sub, path, word, found);
    }
}

/// The option of the chain's commands named `name` ("--limit", "-o", "message"), deepest first.
CLI::Option* find_option(const std::vector<CLI::App*>& chain, const std::string& name) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (CLI::Option* option = (*it)->get_option_no_throw(name)) return option;
    }
    return nullptr;
}

/// What an option accepts, in words, from its value type and its validators' descriptions
/// (CLI11 shows them in help as "INT:POSITIVE", "FORMAT:{auto,json}", "N:INT in [0 - 100]").
std::string accepted(const CLI::Option& option) {
    std::vector<std::string> parts;
    const std::string type = option.get_type_name();
    for (std::size_t start = 0;;) {
        const auto colon = type.find(':', start);
        parts.push_back(type.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    const bool whole =
        parts.front() == "INT" || parts.front() == "UINT" ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.starts_with("INT"); });
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        if (p == "POSITIVE") return whole ? "a whole number from 1" : "a number above 0";
        if (p == "NONNEGATIVE") return whole ? "a whole number from 0" : "a number from 0";
        if (p.starts_with("INT in [")) {  // "INT in [0 - 100]"
            const auto dash = p.find(" - ");
            return "a whole number from " + p.substr(8, dash - 8) + " to " +
                   p.substr(dash + 3, p.size() - dash - 4);
        }
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            std::string list = p.substr(1, p.size() - 2);
            for (std::size_t at = list.find(','); at != std::string::npos; at = list.find(',', at + 2))
                list.replace(at, 1, ", ");
            return "one of " + list;
        }
        if (p == "FILE") return "an existing file";
    }
    if (whole) return "a whole number";
    if (parts.front() == "FLOAT" || parts.front() == "SECONDS" || parts.front() == "NUMBER")
        return "a number";
    return "a value";
}

/// The option named at the start of a CLI11 message ("--limit: ...", "Could not convert: --limit
/// = abc", "The value abc is not an allowed value for --limit").
std::optional<std::string> option_in(const std::string& message) {
    if (message.starts_with("Could not convert: ")) {
        const auto end = message.find(" = ");
        return message.substr(19, end == std::string::npos ? std::string::npos : end - 19);
    }
    if (const auto at = message.find(" is not an allowed value for "); at != std::string::npos)
        return message.substr(at + 29);
    if (const auto colon = message.find(": "); colon != std::string::npos && colon > 0)
        return message.substr(0, colon);
    return std::nullopt;
}

/// The value last given to `option`, as typed.
std::string given_value(const CLI::Option& option) {
    const auto& results = option.results();
    return results.empty() ? std::string() : results.back();
}

/// A name as the user would type it: "--limit", or a positional's "MESSAGE".
std::string shown_name(const CLI::Option& option) {
    if (option.nonpositional()) {
        const auto& longs = option.get_lnames();
        return longs.empty() ? "-" + option.get_snames().front() : "--" + longs.front();
    }
    std::string name = option.get_name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    return name;
}

/// One line for an unknown word at `chain`'s deepest command.
std::string unknown_word(CLI::App& app, const std::vector<CLI::App*>& chain, const std::string& word) {
    CLI::App& command = *chain.back();
    const std::string path = path_of(chain);
    if (word.starts_with("-")) {
        const std::string flag = word.substr(0, word.find('='));
        std::string line = "unknown flag \"" + flag + "\" for \"" + path + "\"";
        auto near = nearest_names(flag, flag_names(chain));
        for (const char* format : {"json", "ndjson", "table", "raw"}) {
            if (flag == std::string("--") + format)
                near = {std::string("-o ") + format};  // gh's --json habit
        }
        if (!near.empty()) line += "; did you mean " + alternatives(near) + "?";
        return line;
    }
    const auto subcommands = subcommands_of(command);
    if (subcommands.empty()) return "unexpected argument \"" + word + "\" for \"" + path + "\"";
    std::string line = "unknown command \"" + word + "\" for \"" + path + "\"";
    auto near = nearest_names(word, names_of(subcommands));
    if (near.empty()) {
        std::vector<std::string> found;
        find_commands(app, app.get_name(), word, found);
        if (found.size() <= 3) near = found;
    }
    if (!near.empty()) line += "; did you mean " + alternatives(near) + "?";
    return line;
}

/// The first word CLI11 could not place, looking from the deepest command up.
std::optional<std::string> first_extra(const std::vector<CLI::App*>& chain) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const auto extras = (*it)->remaining();
        if (!extras.empty()) return extras.front();
    }
    return std::nullopt;
}

/// The plain sentence for `error`, or nullopt when the command's help says it better.
std::optional<std::string> plain_message(CLI::App& app, const std::vector<CLI::App*>& chain,
                                         const CLI::ParseError& error) {
    const std::string message = error.what();
    const std::string path = path_of(chain);
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto word = first_extra(chain);
        return word ? unknown_word(app, chain, *word) : "unexpected arguments for \"" + path + "\"";
    }
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        if (const auto word = first_extra(chain)) return unknown_word(app, chain, *word);
        if (!subcommands_of(*chain.back()).empty() && chain.back()->get_subcommands().empty())
            return std::nullopt;  // a command without its subcommand: its help lists them
        const auto end = message.rfind(" is required");
        if (end != std::string::npos) {
            std::string names = message.substr(0, end);
            if (const CLI::Option* option = find_option(chain, names.substr(0, names.find(' '))))
                names = shown_name(*option);
            return "\"" + path + "\" needs " + names;
        }
        return "\"" + path + "\" is missing an argument";
    }
    const auto name = option_in(message);
    const CLI::Option* option = name ? find_option(chain, *name) : nullptr;
    if (option == nullptr) {
        // Only CLI11's first line, whatever it is: never a page of its internals.
        return message.substr(0, message.find('\n'));
    }
    const std::string flag = shown_name(*option);
    if (message.find("too many inputs for a flag") != std::string::npos ||
        message.find("Should be true/false") != std::string::npos) {
        return flag + " takes no value";
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
        return flag + " needs a value (" + accepted(*option) + ")";
    }
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
        // Our own validators already say what they expect ("expects seconds from 0.001 ...").
        const std::string said = message.substr(name->size() + 2);
        if (said.starts_with("expects ") || said.starts_with("must ")) return flag + " " + said;
        if (!said.starts_with("Value ") && said.find("not in range") == std::string::npos &&
            said.find("not in {") == std::string::npos && said.find("does not exist") == std::string::npos &&
            said.find("Check ") == std::string::npos) {
            return flag + ": " + said;  // one of ours in other words ("empty name in ...")
        }
    }
    return flag + " must be " + accepted(*option) + ", got '" + given_value(*option) + "'";
}

}  // namespace

std::vector<std::string> nearest_names(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string bare = word.substr(
        word.find_first_not_of('-') == std::string::npos ? word.size() : word.find_first_not_of('-'));
    const std::size_t allowed = std::max<std::size_t>(1, bare.size() / 3);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& candidate : candidates) {
        if (candidate == word) continue;
        const std::size_t distance = edit_distance(word, candidate);
        const bool prefix = bare.size() >= 2 && candidate.starts_with(word);
        // A misspelt start of a longer name ("--passwrd" for "--password-stdin").
        std::size_t start_distance = distance;
        for (std::size_t n = word.size() > 0 ? word.size() - 1 : 0; n <= word.size() + 1; ++n)
            start_distance =
                std::min(start_distance, edit_distance(word, std::string_view(candidate).substr(0, n)));
        if (prefix) {
            scored.emplace_back(0, candidate);
        } else if (distance <= allowed) {
            scored.emplace_back(distance, candidate);
        } else if (bare.size() >= 4 && start_distance <= allowed) {
            scored.emplace_back(allowed + start_distance, candidate);
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> names;
    for (const auto& [distance, name] : scored) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        if (names.size() == 3) break;
    }
    return names;
}

int report_parse_error(CLI::App& app, const CLI::ParseError& error, std::ostream& err) {
    const auto chain = selected_chain(app);
    const auto line = plain_message(app, chain, error);
    if (!line) {
        err << chain.back()->help(chain.size() > 1 ? path_of({chain.begin(), chain.end() - 1}) : "");
        return k_exit_usage;
    }
    err << "hyperoru: error: " << *line << '\n' << help_hint(path_of(chain));
    return k_exit_usage;
}

std::string help_hint(const std::string& path) {
    return "Run '" + path + " --help' for usage.\n";
}

std::string selected_path(CLI::App& app) {
    return path_of(selected_chain(app));
}

int report_missing_command(CLI::App& app, std::ostream& err) {
    err << app.help();
    return k_exit_usage;
}

int run_help(CLI::App& app, const std::vector<std::string>& path, std::ostream& out, std::ostream& err) {
    std::vector<CLI::App*> chain{&app};
    for (const auto& word : path) {
        CLI::App* next = nullptr;
        for (CLI::App* sub : subcommands_of(*chain.back())) {
            if (sub->get_name() == word) next = sub;
        }
        if (next == nullptr) {
            err << "hyperoru: error: " << unknown_word(app, chain, word) << '\n' << help_hint(path_of(chain));
            return k_exit_usage;
        }
        chain.push_back(next);
    }
    out << chain.back()->help(chain.size() > 1 ? path_of({chain.begin(), chain.end() - 1}) : "");
    return k_exit_ok;
}

}  // namespace hyperoru::cli
