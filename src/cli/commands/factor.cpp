// Custom factors (list, create, update, delete) and factor effectiveness, which chooses between
// three endpoints.
#include "cli/commands/spec.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

// factor effectiveness [NAME] [--history | --by-window]
int run_factor_effectiveness(Context& context, const CommandSpec& spec, const Given& given) {
    const auto name = given_field(given, "name");
    const bool history = given_field(given, "--history").has_value();
    const bool by_window = given_field(given, "--by-window").has_value();
    if (history && by_window) throw UsageError("--history and --by-window exclude each other");
    if ((history || by_window) && !name) throw UsageError("--history and --by-window need a factor NAME");
    CommandSpec chosen = spec;
    Given narrowed = given;
    narrowed.fields.clear();
    chosen.fields.clear();
    if (name) {
        if (!history && !by_window) throw UsageError("with a factor NAME, choose --history or --by-window");
        chosen.endpoint = history ? &api::factor_history : &api::factor_by_window;
        narrowed.args = {*name};
    }
    return run_spec(context, chosen, narrowed);
}

const std::vector<CommandSpec>& factor_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"factor", "effectiveness"},
         .endpoint = &api::factor_effectiveness,
         .summary = "Factor effectiveness; one factor's --history or --by-window",
         .example = "hyperoru factor effectiveness momentum_1d --history",
         .fields = {Field{.flag = "name", .help = "factor name"},
                    Field{.flag = "--history", .type = FieldType::flag, .help = "IC history of NAME"},
                    Field{.flag = "--by-window",
                          .type = FieldType::flag,
                          .help = "effectiveness of NAME by time window"}},
         .run = run_factor_effectiveness},
        {.words = {"factor", "list"},
         .endpoint = &api::factor_list,
         .summary = "List custom factors",
         .example = "hyperoru factor list",
         .list = true,
         .view = row_view({{"ID", {"id"}},
                           {"NAME", {"name"}},
                           {"EXPRESSION", {"expression"}},
                           {"CREATED", {"created_at"}}},
                          "No custom factors.")},
        {.words = {"factor", "create"},
         .endpoint = &api::factor_create,
         .summary = "Create a custom factor",
         .example = "hyperoru factor create --name vol_momentum --expression 'volume_change * momentum_1d'",
         .fields = {Field{.flag = "--name", .key = "name", .help = "factor name", .required = true},
                    Field{.flag = "--expression", .key = "expression", .help = "formula", .required = true},
                    Field{.flag = "--description", .key = "description", .help = "free text"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Created factor {--name}[ (id {.id})]."}},
        {.words = {"factor", "update"},
         .endpoint = &api::factor_update,
         .summary = "Change a custom factor's formula",
         .example = "hyperoru factor update 1 --expression 'volume_change * momentum_1d * 1.5'",
         .args = {"ID"},
         .fields = {Field{.flag = "--expression", .key = "expression", .help = "formula", .required = true}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated factor {ID}."}},
        {.words = {"factor", "delete"},
         .endpoint = &api::factor_delete,
         .summary = "Delete a custom factor",
         .example = "hyperoru factor delete 1 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Delete factor {ID}",
                     .details = "{.name}",
                     .lookup = &api::factor_list,
                     .done = "Deleted factor {ID}."}},
    };
    return rows;
}

}  // namespace

void register_factor(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, factor_rows(),
             {{{"factor"}, "Custom factors and factor effectiveness", "hyperoru factor effectiveness"}});
}

}  // namespace hyperoru::cli
