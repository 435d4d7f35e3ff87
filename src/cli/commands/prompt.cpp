// Prompt templates of LLM strategies, and backtests of prompt strategies.
#include "cli/commands/spec.hpp"

namespace hyperoru::cli {

namespace {

const std::vector<CommandSpec>& prompt_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"prompt", "rename"},
         .endpoint = &api::prompt_rename,
         .summary = "Rename a prompt template",
         .example = "hyperoru prompt rename 1 'BTC Momentum v2'",
         .args = {"ID"},
         .fields = {Field{.flag = "name", .key = "name", .help = "new name", .required = true}},
         .safety = Safety::mutation,
         .wording = {.done = "Renamed prompt {ID} to {name}."}},
        {.words = {"prompt", "list"},
         .endpoint = &api::prompt_list,
         .summary = "List prompt templates",
         .example = "hyperoru prompt list",
         .list = true,
         .view = row_view({{"ID", {"id"}}, {"NAME", {"name"}}, {"CREATED", {"created_at"}}}, "No prompts.")},
        {.words = {"prompt", "show"},
         .endpoint = &api::prompt_get,
         .summary = "Show a prompt template",
         .example = "hyperoru prompt show 1",
         .args = {"ID"}},
        {.words = {"prompt", "create"},
         .endpoint = &api::prompt_create,
         .summary = "Create a prompt template",
         .example = "hyperoru prompt create --name Momentum --content-file momentum.txt",
         .fields = {Field{.flag = "--name", .key = "name", .help = "template name", .required = true},
                    Field{.flag = "--content-file",
                          .key = "content",
                          .type = FieldType::file_text,
                          .help = "template text file (- for stdin)",
                          .required = true}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Created prompt {--name}[ (id {.id})]."}},
        {.words = {"prompt", "update"},
         .endpoint = &api::prompt_update,
         .summary = "Change a prompt template",
         .example = "hyperoru prompt update 1 --content-file momentum.txt",
         .args = {"ID"},
         .fields = {Field{.flag = "--name", .key = "name", .help = "template name"},
                    Field{.flag = "--content-file",
                          .key = "content",
                          .type = FieldType::file_text,
                          .help = "template text file (- for stdin)"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated prompt {ID}."}},
        {.words = {"prompt", "delete"},
         .endpoint = &api::prompt_delete,
         .summary = "Delete a prompt template",
         .example = "hyperoru prompt delete 1 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Delete prompt {ID}",
                     .details = "{.name}",
                     .lookup = &api::prompt_get,
                     .done = "Deleted prompt {ID}."}},
        {.words = {"prompt", "copy"},
         .endpoint = &api::prompt_copy,
         .summary = "Copy a prompt template",
         .example = "hyperoru prompt copy 1",
         .args = {"ID"},
         .safety = Safety::mutation,
         .wording = {.done = "Copied prompt {ID}[ to a new prompt, id {.id}]."}},
        {.words = {"prompt", "preview"},
         .endpoint = &api::prompt_preview,
         .summary = "Render a prompt (body from --body or --set)",
         .example = "hyperoru prompt preview --body preview.json",
         .extra_fields = true},
        {.words = {"prompt", "ai-chat"},
         .endpoint = &api::prompt_ai_chat,
         .summary = "Ask the prompt-writing assistant; prints a task id to follow with `ai stream`",
         .example = "hyperoru prompt ai-chat 'Write a BTC momentum prompt'",
         .fields = {Field{.flag = "--context",
                          .key = "context",
                          .type = FieldType::json,
                          .help = "context object as JSON (default {})",
                          .fallback = "{}"},
                    Field{.flag = "message", .key = "message", .help = "your message", .required = true},
                    Field{.flag = "--conversation",
                          .key = "conversation_id",
                          .type = FieldType::id,
                          .help = "continue this conversation"},
                    Field{.flag = "--skill-ids",
                          .key = "skill_ids",
                          .type = FieldType::ids,
                          .help = "comma-separated skill ids"}},
         .safety = Safety::mutation,
         .wording = {.done =
                         "Sent to the prompt assistant[; follow it with: hyperoru ai stream {.task_id}]."}},
    };
    return rows;
}

const std::vector<CommandSpec>& prompt_backtest_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"prompt-backtest", "create"},
         .endpoint = &api::prompt_backtest_create,
         .summary = "Backtest a prompt on history (costs LLM credits)",
         .example = "hyperoru prompt-backtest create --body task.json",
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Started a prompt backtest[ (id {.id})][ ({.status})]."}},
    };
    return rows;
}

}  // namespace

void register_prompt(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, prompt_rows(),
             {{{"prompt"}, "Prompt templates of LLM strategies", "hyperoru prompt list"}});
}

void register_prompt_backtest(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, prompt_backtest_rows(),
             {{{"prompt-backtest"},
               "Backtests of prompt strategies",
               "hyperoru prompt-backtest create --body task.json"}});
}

}  // namespace hyperoru::cli
