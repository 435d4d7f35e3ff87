// The completion scripts: the command tree flattened into tables keyed by command path ("" for
// hyperoru itself, "account list", ...), written as `case` (bash, zsh) or `switch` (fish)
// statements, followed by the same small walker in each shell's language.
#include "cli/completion.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace hyperoru::cli {

namespace {

struct Entry {
    std::string word;
    std::string description;
};

/// One command of the tree, as the scripts see it.
struct Flat {
    std::string path;
    std::vector<Entry> subcommands;
    /// Its options; for a subcommand, only those the global options (the root's) do not name,
    /// since the scripts offer the global options everywhere.
    std::vector<Entry> options;
    std::vector<Entry> arguments;  ///< the choices of its positional arguments
    /// What each of its options takes, in groups of one kind: "flag", "value", "file" or
    /// "choices A B ...".
    std::vector<std::pair<std::string, std::vector<std::string>>> kinds;
};

/// A word the scripts can hold unquoted and hand to `compgen -W`, which expands what it is given:
/// no blank, quote, `$`, glob or other shell syntax. Command and option names always are; a
/// choice that is not is left out of the completions rather than expanded by the shell.
bool plain_word(const std::string& word) {
    if (word.empty()) return false;
    return std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-_.,:/@+=%").find(c) != std::string_view::npos;
    });
}

/// Whether the value of `option` is a file name: its value name says FILE or PATH, or its name
/// ends in "-file" (--code-file, whose value name is the generic TEXT).
bool wants_files(const OptionInfo& option) {
    if (option.value_name.find("FILE") != std::string::npos) return true;
    if (option.value_name.find("PATH") != std::string::npos) return true;
    return std::any_of(option.names.begin(), option.names.end(),
                       [](const std::string& name) { return name.ends_with("-file"); });
}

std::string kind_of(const OptionInfo& option) {
    if (!option.takes_value) return "flag";
    std::string choices;
    for (const auto& choice : option.choices) {
        if (plain_word(choice)) choices += " " + choice;
    }
    if (!choices.empty()) return "choices" + choices;
    return wants_files(option) ? "file" : "value";
}

void add_kind(Flat& flat, const std::string& kind, const std::string& name) {
    auto group = std::find_if(flat.kinds.begin(), flat.kinds.end(),
                              [&kind](const auto& entry) { return entry.first == kind; });
    if (group == flat.kinds.end()) group = flat.kinds.insert(flat.kinds.end(), {kind, {}});
    group->second.push_back(name);
}

void flatten(const CommandInfo& command, const std::string& path, const std::vector<std::string>& globals,
             std::vector<Flat>& out) {
    Flat flat;
    flat.path = path;
    for (const auto& sub : command.subcommands) flat.subcommands.push_back({sub.name, sub.description});
    for (const auto& option : command.options) {
        const std::string kind = kind_of(option);
        for (const auto& name : option.names) {
            add_kind(flat, kind, name);
            if (path.empty() || std::find(globals.begin(), globals.end(), name) == globals.end()) {
                flat.options.push_back({name, option.description});
            }
        }
    }
    for (const auto& positional : command.positionals) {
        for (const auto& choice : positional.choices) {
            if (plain_word(choice)) flat.arguments.push_back({choice, positional.description});
        }
    }
    out.push_back(std::move(flat));
    for (const auto& sub : command.subcommands) {
        flatten(sub, path.empty() ? sub.name : path + " " + sub.name, globals, out);
    }
}

std::vector<Flat> flatten(const CommandInfo& root) {
    std::vector<std::string> globals;
    for (const auto& option : root.options)
        globals.insert(globals.end(), option.names.begin(), option.names.end());
    std::vector<Flat> out;
    flatten(root, "", globals, out);
    return out;
}

/// `text` in single quotes for bash and zsh.
std::string sh_quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// `text` in single quotes for fish, where backslash and quote are escaped inside them.
std::string fish_quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string words_of(const std::vector<Entry>& entries) {
    std::string out;
    for (const auto& entry : entries) out += (out.empty() ? "" : " ") + entry.word;
    return out;
}

/// "|--page" style keys of the option kinds, each quoted by `quote`, joined by `separator`.
std::string kind_keys(const std::string& path, const std::vector<std::string>& names,
                      std::string (*quote)(const std::string&), const char* separator) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : separator) + quote(path + "|" + name);
    return out;
}

// ------------------------------------------------------------------------------------------- bash

/// A function setting REPLY to the words of `member` for each command path that has some.
std::string bash_table(const char* name, const char* comment, const std::vector<Flat>& commands,
                       std::vector<Entry> Flat::*member) {
    std::string out = std::string("\n# ") + comment + "\n" + name + "() {\n    case $1 in\n";
    for (const auto& flat : commands) {
        const std::string words = words_of(flat.*member);
        if (!words.empty()) out += "    " + sh_quote(flat.path) + ") REPLY=" + sh_quote(words) + " ;;\n";
    }
    return out + "    *) REPLY='' ;;\n    esac\n}\n";
}

constexpr const char* k_bash_walker = R"BASH(
# The kind of option $2 of command path $1: its own option's, else the global option's.
_hyperoru_kind() {
    _hyperoru_option_kind "$1|$2"
    if [[ -z $REPLY && -n $1 ]]; then _hyperoru_option_kind "|$2"; fi
}

# Completes $2 as the value of an option of kind $1; $3 goes before each match (--option= when
# the value is typed in the option's word).
_hyperoru_value() {
    case $1 in
    choices\ *) mapfile -t COMPREPLY < <(compgen -P "$3" -W "${1#choices }" -- "$2") ;;
    file)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -P "$3" -f -- "$2")
        ;;
    esac
}

_hyperoru() {
    local REPLY cur=${COMP_WORDS[COMP_CWORD]} path='' word='' kind='' i=1
    COMPREPLY=()
    # The command path: the words naming subcommands, past options and the values they take.
    while ((i < COMP_CWORD)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -*=* ]]; then
            :  # --option=value in one word
        elif [[ $word == -?* ]]; then
            _hyperoru_kind "$path" "$word"
            if [[ -n $REPLY && $REPLY != flag ]]; then
                # bash splits --option=value at '=' (COMP_WORDBREAKS): the '=' is a word too.
                if [[ ${COMP_WORDS[i + 1]} == = ]] && ((i + 1 < COMP_CWORD)); then i=$((i + 1)); fi
                if ((i + 1 == COMP_CWORD)); then kind=$REPLY; fi
                i=$((i + 1))
            fi
        else
            _hyperoru_subcommands "$path"
            if [[ " $REPLY " == *" $word "* ]]; then path=${path:+$path }$word; fi
        fi
        i=$((i + 1))
    done

    if [[ -n $kind ]]; then
        [[ $cur == = ]] && cur=''
        _hyperoru_value "$kind" "$cur" ''
    elif [[ $cur == -*=* ]]; then
        _hyperoru_kind "$path" "${cur%%=*}"
        if [[ -n $REPLY && $REPLY != flag ]]; then _hyperoru_value "$REPLY" "${cur#*=}" "${cur%%=*}="; fi
    elif [[ $cur == -* ]]; then
        _hyperoru_options "$path"
        word=$REPLY
        if [[ -n $path ]]; then
            _hyperoru_options ''
            word+=" $REPLY"
        fi
        mapfile -t COMPREPLY < <(compgen -W "$word" -- "$cur")
    else
        _hyperoru_subcommands "$path"
        word=$REPLY
        _hyperoru_arguments "$path"
        mapfile -t COMPREPLY < <(compgen -W "$word $REPLY" -- "$cur")
    fi
}

complete -F _hyperoru hyperoru
)BASH";

// -------------------------------------------------------------------------------------------- zsh

/// A function setting `reply` to name:description entries of `member` for each command path.
std::string zsh_table(const char* name, const char* comment, const std::vector<Flat>& commands,
                      std::vector<Entry> Flat::*member) {
    std::string out = std::string("\n# ") + comment + "\n" + name + "() {\n    case $1 in\n";
    for (const auto& flat : commands) {
        const auto& entries = flat.*member;
        if (entries.empty()) continue;
        out += "    (" + sh_quote(flat.path) + ") reply=(";
        for (std::size_t i = 0; i < entries.size(); ++i) {
            out += (i == 0 ? "" : " ") + sh_quote(entries[i].word + ":" + entries[i].description);
        }
        out += ") ;;\n";
    }
    return out + "    (*) reply=() ;;\n    esac\n}\n";
}

constexpr const char* k_zsh_walker = R"ZSH(
# The kind of option $2 of command path $1: its own option's, else the global option's.
_hyperoru_kind() {
    _hyperoru_option_kind "$1|$2"
    if [[ -z $REPLY && -n $1 ]]; then _hyperoru_option_kind "|$2"; fi
}

# Adds name:description entries as matches, the description shown beside each name.
_hyperoru_add() {
    local entry
    local -a names displays
    for entry in "$@"; do
        names+=("${entry%%:*}")
        if [[ -n ${entry#*:} ]]; then displays+=("${entry%%:*}  -- ${entry#*:}"); else displays+=("${entry%%:*}"); fi
    done
    compadd -l -d displays -- "${names[@]}"
}

# Completes the value of an option of kind $1; $2 goes before each choice (--option= when the
# value is typed in the option's word).
_hyperoru_value() {
    local -a values
    case $1 in
    (choices\ *)
        values=(${=${1#choices }})
        compadd -- "${(@)values/#/$2}"
        ;;
    (file)
        if [[ -n $2 ]]; then compset -P '*='; fi
        _files
        ;;
    esac
}

_hyperoru() {
    local cmd_path='' word='' kind='' cur=${words[CURRENT]} REPLY
    local -a reply entries
    integer i=2
    # The command path: the words naming subcommands, past options and the values they take.
    while (( i < CURRENT )); do
        word=${words[i]}
        if [[ $word == -*=* ]]; then
            :  # --option=value in one word
        elif [[ $word == -?* ]]; then
            _hyperoru_kind "$cmd_path" "$word"
            if [[ -n $REPLY && $REPLY != flag ]]; then
                if (( i + 1 == CURRENT )); then kind=$REPLY; fi
                i+=1
            fi
        else
            _hyperoru_subcommands "$cmd_path"
            if (( ${reply[(I)${(b)word}:*]} )); then cmd_path=${cmd_path:+$cmd_path }$word; fi
        fi
        i+=1
    done

    if [[ -n $kind ]]; then
        _hyperoru_value "$kind" ''
    elif [[ $cur == -*=* ]]; then
        _hyperoru_kind "$cmd_path" "${cur%%=*}"
        if [[ -n $REPLY && $REPLY != flag ]]; then _hyperoru_value "$REPLY" "${cur%%=*}="; fi
    elif [[ $cur == -* ]]; then
        _hyperoru_options "$cmd_path"
        entries=("${reply[@]}")
        if [[ -n $cmd_path ]]; then
            _hyperoru_options ''
            entries+=("${reply[@]}")
        fi
        _hyperoru_add "${entries[@]}"
    else
        _hyperoru_subcommands "$cmd_path"
        entries=("${reply[@]}")
        _hyperoru_arguments "$cmd_path"
        entries+=("${reply[@]}")
        _hyperoru_add "${entries[@]}"
    fi
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    # Autoloaded from $fpath: this file is the body of _hyperoru, run for the first completion.
    _hyperoru "$@"
else
    # Sourced (after compinit).
    compdef _hyperoru hyperoru
fi
)ZSH";

// ------------------------------------------------------------------------------------------- fish

/// A function printing name<TAB>description lines of `member` for each command path.
std::string fish_table(const char* name, const char* comment, const std::vector<Flat>& commands,
                       std::vector<Entry> Flat::*member) {
    std::string out = std::string("\n# ") + comment + "\nfunction " + name + "\n    switch $argv[1]\n";
    for (const auto& flat : commands) {
        const auto& entries = flat.*member;
        if (entries.empty()) continue;
        out += "        case " + fish_quote(flat.path) + "\n            printf '%s\\t%s\\n'";
        for (const auto& entry : entries)
            out += " " + fish_quote(entry.word) + " " + fish_quote(entry.description);
        out += "\n";
    }
    return out + "    end\nend\n";
}

constexpr const char* k_fish_walker = R"FISH(
# The kind of option $argv[2] of command path $argv[1]: its own option's, else the global option's.
function __hyperoru_kind
    set -l kind (__hyperoru_option_kind "$argv[1]|$argv[2]")
    if test -z "$kind"; and test -n "$argv[1]"
        set kind (__hyperoru_option_kind "|$argv[2]")
    end
    printf '%s\n' $kind
end

# The matches for $argv[3] as the value of an option of kind $argv[1]; $argv[2] goes before each
# (--option= when the value is typed in the option's word).
function __hyperoru_value
    switch $argv[1]
        case 'choices *'
            for value in (string split ' ' -- (string replace 'choices ' '' -- $argv[1]))
                printf '%s%s\n' $argv[2] $value
            end
        case file
            for file in (__fish_complete_path $argv[3])
                printf '%s%s\n' $argv[2] $file
            end
    end
end

function __hyperoru_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l cmd_path ''
    set -l kind ''
    set -l last (count $tokens)
    set -l i 2
    # The command path: the words naming subcommands, past options and the values they take.
    while test $i -le $last
        set -l word $tokens[$i]
        if string match -q -- '-*=*' $word
            # --option=value in one word
        else if string match -q -- '-?*' $word
            set -l option_kind (__hyperoru_kind "$cmd_path" $word)
            if test -n "$option_kind"; and test "$option_kind" != flag
                if test $i -eq $last
                    set kind $option_kind
                end
                set i (math $i + 1)
            end
        else if contains -- $word (__hyperoru_subcommands "$cmd_path" | string replace -r '\t.*' '')
            set cmd_path (string trim -- "$cmd_path $word")
        end
        set i (math $i + 1)
    end

    if test -n "$kind"
        __hyperoru_value $kind '' $current
    else if string match -q -- '-*=*' $current
        set -l option (string replace -r '=.*' '' -- $current)
        set -l option_kind (__hyperoru_kind "$cmd_path" $option)
        if test -n "$option_kind"; and test "$option_kind" != flag
            __hyperoru_value $option_kind "$option=" (string replace -r '^[^=]*=' '' -- $current)
        end
    else if string match -q -- '-*' $current
        __hyperoru_options "$cmd_path"
        if test -n "$cmd_path"
            __hyperoru_options ''
        end
    else
        __hyperoru_subcommands "$cmd_path"
        __hyperoru_arguments "$cmd_path"
    end
end

complete -c hyperoru -e
complete -c hyperoru -f -a '(__hyperoru_complete)'
)FISH";

}  // namespace

namespace {

/// What the three scripts do not share: their header, table and `case`/`switch` syntax, and walker.
struct Shell {
    const char* header;  ///< comment lines (and zsh's #compdef) at the top
    const char* prefix;  ///< of the generated function names: "_hyperoru" or "__hyperoru"
    std::string (*table)(const char* name, const char* comment, const std::vector<Flat>& commands,
                         std::vector<Entry> Flat::*member);
    const char* subcommands_comment;
    const char* no_kind;     ///< what _option_kind gives for an unknown option, in its comment
    const char* kind_open;   ///< the start of the _option_kind function, up to its first case
    const char* kind_case;   ///< before the keys of one case
    const char* kind_then;   ///< between the keys and the kind
    const char* kind_end;    ///< after the kind
    const char* kind_close;  ///< the default case and the end of the function
    std::string (*quote)(const std::string&);
    const char* key_separator;
    const char* walker;
};

std::string completion_script(const CommandInfo& root, const Shell& shell) {
    const auto commands = flatten(root);
    const std::string prefix = shell.prefix;
    std::string out = shell.header;
    out += shell.table((prefix + "_subcommands").c_str(), shell.subcommands_comment, commands,
                       &Flat::subcommands);
    out += shell.table((prefix + "_options").c_str(),
                       "The options of a command path, besides the global options (those of '').", commands,
                       &Flat::options);
    out += shell.table((prefix + "_arguments").c_str(),
                       "The values the arguments of a command path accept, when limited.", commands,
                       &Flat::arguments);
    out +=
        "\n# What option OPTION of command path PATH takes, given \"PATH|OPTION\": flag, value, file or\n"
        "# \"choices A B ...\"; ";
    out += std::string(shell.no_kind) + " when the command has no such option.\n" + shell.kind_open;
    for (const auto& flat : commands) {
        for (const auto& [kind, names] : flat.kinds) {
            out += shell.kind_case + kind_keys(flat.path, names, shell.quote, shell.key_separator) +
                   shell.kind_then + shell.quote(kind) + shell.kind_end;
        }
    }
    return out + shell.kind_close + shell.walker;
}

}  // namespace

std::string bash_completion(const CommandInfo& root) {
    static constexpr Shell k_bash{
        "# bash completion for hyperoru, generated from its command tree by `hyperoru completion bash`.\n"
        "# Load it with: source <(hyperoru completion bash)\n",
        "_hyperoru",
        bash_table,
        "The subcommands of a command path ('' is hyperoru itself).",
        "''",
        "_hyperoru_option_kind() {\n    case $1 in\n",
        "    ",
        ") REPLY=",
        " ;;\n",
        "    *) REPLY='' ;;\n    esac\n}\n",
        sh_quote,
        "|",
        k_bash_walker};
    return completion_script(root, k_bash);
}

std::string zsh_completion(const CommandInfo& root) {
    static constexpr Shell k_zsh{
        "#compdef hyperoru\n"
        "# zsh completion for hyperoru, generated from its command tree by `hyperoru completion zsh`.\n"
        "# Install it with: hyperoru completion zsh > \"${fpath[1]}/_hyperoru\" (then start a new shell)\n",
        "_hyperoru",
        zsh_table,
        "The subcommands of a command path ('' is hyperoru itself), as name:description.",
        "''",
        "_hyperoru_option_kind() {\n    case $1 in\n",
        "    (",
        ") REPLY=",
        " ;;\n",
        "    (*) REPLY='' ;;\n    esac\n}\n",
        sh_quote,
        "|",
        k_zsh_walker};
    return completion_script(root, k_zsh);
}

std::string fish_completion(const CommandInfo& root) {
    static constexpr Shell k_fish{
        "# fish completion for hyperoru, generated from its command tree by `hyperoru completion fish`.\n"
        "# Install it with: hyperoru completion fish > ~/.config/fish/completions/hyperoru.fish\n",
        "__hyperoru",
        fish_table,
        "The subcommands of a command path ('' is hyperoru itself), with descriptions.",
        "nothing",
        "function __hyperoru_option_kind\n    switch $argv[1]\n",
        "        case ",
        "\n            echo ",
        "\n",
        "    end\nend\n",
        fish_quote,
        " ",
        k_fish_walker};
    return completion_script(root, k_fish);
}

}  // namespace hyperoru::cli
