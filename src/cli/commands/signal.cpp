// Signal definitions and the pools that combine them.
#include "cli/commands/spec.hpp"

namespace hyperoru::cli {

namespace {

const std::vector<CommandSpec>& signal_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"signal", "list"},
         .endpoint = &api::signal_list,
         .summary = "Signal definitions and pools",
         .example = "hyperoru signal list",
         .view = row_view({{"ID", {"id"}}, {"NAME", {"name"}}, {"TYPE", {"type"}}, {"ENABLED", {"enabled"}}},
                          "Nothing to show.", "definitions")},
        {.words = {"signal", "definition", "create"},
         .endpoint = &api::signal_definition_create,
         .summary = "Create a signal definition",
         .example = "hyperoru signal definition create --name 'RSI Oversold' --type threshold --config "
                    "'{\"indicator\":\"rsi\",\"threshold\":30}'",
         .fields = {Field{.flag = "--name", .key = "name", .help = "signal name", .required = true},
                    Field{.flag = "--type",
                          .key = "type",
                          .help = "threshold, crossover, pattern",
                          .required = true},
                    Field{.flag = "--config",
                          .key = "config",
                          .type = FieldType::json,
                          .help = "settings as a JSON object",
                          .required = true}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Created signal {--name}[ (id {.id})]."}},
        {.words = {"signal", "definition", "show"},
         .endpoint = &api::signal_definition_get,
         .summary = "Show a signal definition",
         .example = "hyperoru signal definition show 1",
         .args = {"ID"}},
        {.words = {"signal", "definition", "update"},
         .endpoint = &api::signal_definition_update,
         .summary = "Change a signal definition",
         .example = "hyperoru signal definition update 1 --config '{\"threshold\":25}'",
         .args = {"ID"},
         .fields = {Field{.flag = "--name", .key = "name", .help = "signal name"},
                    Field{.flag = "--config",
                          .key = "config",
                          .type = FieldType::json,
                          .help = "settings as a JSON object"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated signal {ID}."}},
        {.words = {"signal", "definition", "delete"},
         .endpoint = &api::signal_definition_delete,
         .summary = "Delete a signal definition",
         .example = "hyperoru signal definition delete 1 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Delete signal {ID}",
                     .details = "{.name}",
                     .lookup = &api::signal_definition_get,
                     .done = "Deleted signal {ID}."}},
        {.words = {"signal", "pool", "create"},
         .endpoint = &api::signal_pool_create,
         .summary = "Combine signal definitions into a pool",
         .example = "hyperoru signal pool create --name Confluence --signal-ids 1,2 --logic and",
         .fields = {Field{.flag = "--name", .key = "name", .help = "pool name", .required = true},
                    Field{.flag = "--signal-ids",
                          .key = "signal_ids",
                          .type = FieldType::ids,
                          .help = "comma-separated ids",
                          .required = true},
                    Field{.flag = "--logic",
                          .key = "logic",
                          .help = "how signals combine: and, or",
                          .choices = {"and", "or"},
                          .fallback = "\"and\""}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Created signal pool {--name}[ (id {.id})]."}},
    };
    return rows;
}

}  // namespace

void register_signal(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, signal_rows(),
             {{{"signal"}, "Signal definitions and pools", "hyperoru signal list"},
              {{"signal", "definition"}, "One signal definition", "hyperoru signal definition show 1"},
              {{"signal", "pool"}, "Signal pools", "hyperoru signal pool create --name P --signal-ids 1,2"}});
}

}  // namespace hyperoru::cli
