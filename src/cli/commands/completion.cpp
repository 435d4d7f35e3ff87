// `hyperoru completion bash|zsh|fish`: the completion script for a shell, generated from the
// command tree itself, so it offers exactly the commands and options this binary has.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/command_tree.hpp"
#include "cli/commands/commands.hpp"
#include "cli/completion.hpp"
#include "cli/help_text.hpp"

namespace hyperoru::cli {

namespace {

int run_completion(Context& context, const std::string& shell) {
    const CommandInfo tree = command_tree();
    if (shell == "bash") {
        context.out() << bash_completion(tree);
    } else if (shell == "zsh") {
        context.out() << zsh_completion(tree);
    } else {
        context.out() << fish_completion(tree);
    }
    return k_exit_ok;
}

}  // namespace

void register_completion(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("completion")) return;
    auto shell = std::make_shared<std::string>();
    auto* completion =
        app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
    completion->add_option("shell", *shell, "the shell to complete for")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}))
        ->type_name("SHELL");
    completion->footer(completion_footer());
    completion->callback(
        [&action, shell] { action = [shell](Context& c) { return run_completion(c, *shell); }; });
}

}  // namespace hyperoru::cli
