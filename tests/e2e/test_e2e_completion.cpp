// End-to-end: `hyperoru completion bash|zsh|fish` loaded into the real shells, which are asked
// for the completions of a command line as they would be at <TAB>.
//  - bash: a non-interactive bash sources the script, sets COMP_WORDS, COMP_CWORD, COMP_LINE and
//    COMP_POINT as readline does, calls the completion function and prints COMPREPLY.
//  - zsh: compadd (a builtin only inside a completion widget) is replaced by a function that
//    prints the matches compadd would keep for $PREFIX (with the description shown beside each),
//    _files by a marker; `words` and CURRENT are set as zsh sets them.
//  - fish: `complete -C` prints the completions of a command line, with their descriptions.
// A missing shell fails the test: CI installs all three (.ci/run).
#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

std::string require_program(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/bin/"}) {
        const std::string path = dir + name;
        if (std::filesystem::exists(path)) return path;
    }
    FAIL(name + " is not installed: apt-get install " + name + " (.ci/run installs it for these tests)");
    return {};
}

constexpr const char* k_bash_driver = R"BASH(
source <("$0" completion bash) || exit 1
[[ $(complete -p hyperoru) == 'complete -F _hyperoru hyperoru' ]] || { echo 'not registered' >&2; exit 1; }
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_hyperoru hyperoru "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
)BASH";

/// COMPREPLY, one per line, for the command line whose words are `words` (the last one is the
/// word under the cursor, "" after a space).
Result bash_complete(const Env& env, std::vector<std::string> words) {
    std::vector<std::string> argv{require_program("bash"), "--norc",       "--noprofile", "-c",
                                  k_bash_driver,           HYPERORU_BINARY};
    argv.insert(argv.end(), words.begin(), words.end());
    return run(env, argv);
}

constexpr const char* k_zsh_driver = R"ZSH(
compdef() { [[ $* == '_hyperoru hyperoru' ]] || print -u2 -r -- "compdef $*"; }
source <("$0" completion zsh) || exit 1
compadd() {
    local display=''
    while [[ $1 != -- ]]; do
        if [[ $1 == -d ]]; then display=$2; shift; fi
        shift
    done
    shift
    integer i
    for (( i = 1; i <= $#; i++ )); do
        [[ ${@[i]} == ${PREFIX}* ]] || continue
        if [[ -n $display ]]; then print -r -- "${${(P)display}[i]}"; else print -r -- "${@[i]}"; fi
    done
}
_files() { print -r -- '(files)'; }
compset() { print -r -- "(compset $*)";
}
words=("$@")
CURRENT=$#
PREFIX=${words[CURRENT]}
_hyperoru
)ZSH";

Result zsh_complete(const Env& env, std::vector<std::string> words) {
    std::vector<std::string> argv{require_program("zsh"), "-f", "-c", k_zsh_driver, HYPERORU_BINARY};
    argv.insert(argv.end(), words.begin(), words.end());
    return run(env, argv);
}

Result fish_complete(const Env& env, const std::string& line) {
    return run(env,
               {require_program("fish"), "--no-config", "-c",
                "$argv[1] completion fish | source; or exit 1; complete -C $argv[2]", HYPERORU_BINARY, line});
}

/// The shell succeeded, printed exactly `out` and nothing on stderr (shown when it did).
void expect(const Result& r, const std::string& out) {
    INFO("stderr: " << r.err);
    CHECK(r.rc == 0);
    CHECK(r.out == out);
    CHECK(r.err.empty());
}

const std::string k_account_subcommands = "create\noverview\nlist\nupdate\ndelete\nstrategy\n";
const std::string k_output_choices = "auto\njson\nndjson\ntable\nraw\n";
/// The long global options, in help order, after the command's own.
const std::string k_global_long_options =
    "--help\n--version\n--base-url\n--context\n--output\n--timeout\n--connect-timeout\n--retries\n"
    "--verbose\n--cacert\n--insecure\n--allow-http\n--max-response-size\n--fields\n--no-color\n--no-input\n"
    "--quiet\n";
const std::string k_account_list_options =
    "--include-hidden\n--page\n--per-page\n--limit\n--all\n--max-pages\n";

}  // namespace

TEST_CASE("e2e: completion bash completes commands, subcommands and option values") {
    const Env env;
    expect(bash_complete(env, {"hyperoru", "acc"}), "account\n");
    expect(bash_complete(env, {"hyperoru", "account", ""}), k_account_subcommands);
    expect(bash_complete(env, {"hyperoru", "-o", ""}), k_output_choices);
    expect(bash_complete(env, {"hyperoru", "-o", "nd"}), "ndjson\n");
    expect(bash_complete(env, {"hyperoru", "completion", ""}), "bash\nzsh\nfish\n");
    expect(bash_complete(env, {"hyperoru", "order", "create", "--side", ""}), "buy\nsell\n");
    // klines takes a SYMBOL or a subcommand; `ai stream --interval` takes seconds, not candle sizes.
    expect(bash_complete(env, {"hyperoru", "klines", "--interval", "4"}), "4h\n");
    expect(bash_complete(env, {"hyperoru", "ai", "stream", "--interval", ""}), "");
    expect(bash_complete(env, {"hyperoru", "--base-url", ""}), "");
}

TEST_CASE("e2e: completion bash offers a command's options and the global options after it") {
    const Env env;
    expect(bash_complete(env, {"hyperoru", "account", "list", "--"}),
           k_account_list_options + k_global_long_options);
    expect(bash_complete(env, {"hyperoru", "account", "list", "--p"}), "--page\n--per-page\n");
    expect(bash_complete(env, {"hyperoru", "-"}),
           "-h\n--help\n--version\n--base-url\n--context\n-o\n--output\n--timeout\n--connect-timeout\n"
           "--retries\n-v\n--verbose\n--cacert\n--insecure\n--allow-http\n--max-response-size\n--fields\n"
           "--no-color\n--no-input\n-q\n--quiet\n");
}

TEST_CASE("e2e: completion bash walks past options and their values to find the command") {
    const Env env;
    // A value that happens to be a command name is still a value.
    expect(bash_complete(env, {"hyperoru", "--context", "price", "acc"}), "account\n");
    expect(bash_complete(env, {"hyperoru", "-v", "--timeout", "5", "account", "l"}), "list\n");
    expect(bash_complete(env, {"hyperoru", "-ojson", "acc"}), "account\n");
    // bash splits --output=json at '=' (COMP_WORDBREAKS) into three words.
    expect(bash_complete(env, {"hyperoru", "--output", "=", "json", "acc"}), "account\n");
    expect(bash_complete(env, {"hyperoru", "--output", "=", ""}), k_output_choices);
    expect(bash_complete(env, {"hyperoru", "--output", "=", "j"}), "json\n");
    // Without '=' in COMP_WORDBREAKS it stays one word.
    expect(bash_complete(env, {"hyperoru", "--output=json", "acc"}), "account\n");
    expect(bash_complete(env, {"hyperoru", "--output=t"}), "--output=table\n");
}

TEST_CASE("e2e: completion bash completes file names for options that take a file") {
    const Env env;
    const auto dir = env.dir() / "certs";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ca.pem") << "x";
    std::ofstream(dir / "other.txt") << "x";
    const std::string prefix = (dir / "c").string();
    expect(bash_complete(env, {"hyperoru", "--cacert", prefix}), (dir / "ca.pem").string() + "\n");
    expect(bash_complete(env, {"hyperoru", "program", "create", "--code-file", prefix}),
           (dir / "ca.pem").string() + "\n");
    expect(bash_complete(env, {"hyperoru", "api", "--input", prefix}), (dir / "ca.pem").string() + "\n");
}

TEST_CASE("e2e: completion zsh completes like bash, with descriptions") {
    const Env env;
    expect(zsh_complete(env, {"hyperoru", "acc"}),
           "account  -- AI traders (accounts): list, create, update, delete, overview, strategy\n");
    expect(zsh_complete(env, {"hyperoru", "account", ""}),
           "create  -- Create an AI trader (POST /api/account/)\n"
           "overview  -- Overview of the default account, or of account ID\n"
           "list  -- List your AI traders (GET /api/account/list)\n"
           "update  -- Change an AI trader (PUT /api/account/{id})\n"
           "delete  -- Delete an AI trader (DELETE /api/account/{id})\n"
           "strategy  -- Show a trader's strategy binding (GET /api/account/{id}/strategy)\n");
    expect(zsh_complete(env, {"hyperoru", "-o", ""}), k_output_choices);
    expect(zsh_complete(env, {"hyperoru", "completion", ""}),
           "bash  -- the shell to complete for\nzsh  -- the shell to complete for\n"
           "fish  -- the shell to complete for\n");
    expect(zsh_complete(env, {"hyperoru", "account", "list", "--p"}),
           "--page  -- page number (from 1)\n--per-page  -- items per page\n");
    expect(zsh_complete(env, {"hyperoru", "account", "list", "--m"}),
           "--max-pages  -- with --all: stop after this many pages (default 1000)\n"
           "--max-response-size  -- largest response body accepted (default 64M; K, M, G suffixes)\n");
    expect(zsh_complete(env, {"hyperoru", "--context", "price", "--output=json", "acc"}),
           "account  -- AI traders (accounts): list, create, update, delete, overview, strategy\n");
    expect(zsh_complete(env, {"hyperoru", "--output=nd"}), "--output=ndjson\n");
    expect(zsh_complete(env, {"hyperoru", "--cacert", ""}), "(files)\n");
    expect(zsh_complete(env, {"hyperoru", "--cacert=/e"}), "(compset -P *=)\n(files)\n");
    expect(zsh_complete(env, {"hyperoru", "--base-url", ""}), "");
}

TEST_CASE("e2e: completion zsh lists a command's options and every global option") {
    const Env env;
    const auto r = zsh_complete(env, {"hyperoru", "account", "list", "--"});
    std::string names;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) names += line.substr(0, line.find("  -- ")) + "\n";
    CHECK(names == k_account_list_options + k_global_long_options);
    CHECK(r.err.empty());
}

TEST_CASE("e2e: completion fish completes like bash, with descriptions") {
    const Env env;
    // fish sorts what it shows.
    expect(fish_complete(env, "hyperoru acc"),
           "account\tAI traders (accounts): list, create, update, delete, overview, strategy\n");
    expect(fish_complete(env, "hyperoru account "),
           "create\tCreate an AI trader (POST /api/account/)\n"
           "delete\tDelete an AI trader (DELETE /api/account/{id})\n"
           "list\tList your AI traders (GET /api/account/list)\n"
           "overview\tOverview of the default account, or of account ID\n"
           "strategy\tShow a trader's strategy binding (GET /api/account/{id}/strategy)\n"
           "update\tChange an AI trader (PUT /api/account/{id})\n");
    expect(fish_complete(env, "hyperoru -o "), "auto\njson\nndjson\nraw\ntable\n");
    expect(
        fish_complete(env, "hyperoru completion "),
        "bash\tthe shell to complete for\nfish\tthe shell to complete for\nzsh\tthe shell to complete for\n");
    expect(fish_complete(env, "hyperoru account list --p"),
           "--page\tpage number (from 1)\n--per-page\titems per page\n");
    expect(fish_complete(env, "hyperoru account list --ma"),
           "--max-pages\twith --all: stop after this many pages (default 1000)\n"
           "--max-response-size\tlargest response body accepted (default 64M; K, M, G suffixes)\n");
    expect(fish_complete(env, "hyperoru --context price --output=json acc"),
           "account\tAI traders (accounts): list, create, update, delete, overview, strategy\n");
    expect(fish_complete(env, "hyperoru --output=nd"), "--output=ndjson\n");
    expect(fish_complete(env, "hyperoru --base-url "), "");

    const auto dir = env.dir() / "certs";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ca.pem") << "x";
    expect(fish_complete(env, "hyperoru --cacert " + (dir / "c").string()), (dir / "ca.pem").string() + "\n");
}

TEST_CASE("e2e: completion fish lists a command's options and every global option") {
    const Env env;
    const auto r = fish_complete(env, "hyperoru account list --");
    std::vector<std::string> names;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) names.push_back(line.substr(0, line.find('\t')));
    std::vector<std::string> expected;
    std::istringstream words(k_account_list_options + k_global_long_options);
    for (std::string word; std::getline(words, word);) expected.push_back(word);
    std::sort(expected.begin(), expected.end());
    CHECK(names == expected);
    CHECK(r.err.empty());
}

TEST_CASE("e2e: completion --help shows how to load the script in each shell") {
    const Env env;
    const auto r = cli(env, {"completion", "--help"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "Usage: hyperoru completion [OPTIONS] shell\n"));
    CHECK(contains(r.out,
                   "\nExamples:\n"
                   "  source <(hyperoru completion bash)                                   "
                   "# bash; add it to ~/.bashrc to keep it\n"
                   "  hyperoru completion zsh > \"${fpath[1]}/_hyperoru\"                    "
                   "# zsh, from the next shell on\n"
                   "  hyperoru completion fish > ~/.config/fish/completions/hyperoru.fish  # fish\n"
                   "\n"
                   "The Debian package and cmake --install put all three where the shells find them.\n"));
}

TEST_CASE("e2e: completion needs a shell it knows") {
    const Env env;
    auto r = cli(env, {"completion", "tcsh"});
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: SHELL must be one of bash, zsh, fish, got 'tcsh'\nRun 'hyperoru completion "
          "--help' for usage.\n");
    r = cli(env, {"completion"});
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: \"hyperoru completion\" needs SHELL\nRun 'hyperoru completion --help' for "
          "usage.\n");
}
