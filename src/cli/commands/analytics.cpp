// Trading performance: a summary, and the same broken down by one dimension.
#include <utility>

#include "cli/commands/spec.hpp"

namespace hyperoru::cli {

namespace {

const std::vector<CommandSpec>& analytics_rows() {
    static const std::vector<CommandSpec> rows = [] {
        std::vector<CommandSpec> r = {
            {.words = {"analytics", "summary"},
             .endpoint = &api::analytics_summary,
             .summary = "Trading summary over a look-back window",
             .example = "hyperoru analytics summary --days 7",
             .fields = {Field{.flag = "--days",
                              .key = "days",
                              .type = FieldType::integer,
                              .help = "look-back window in days (server default 30)",
                              .query = true}}},
        };
        const std::pair<const char*, const api::Endpoint*> breakdowns[] = {
            {"strategy", &api::analytics_by_strategy},
            {"account", &api::analytics_by_account},
            {"symbol", &api::analytics_by_symbol},
            {"operation", &api::analytics_by_operation},
            {"trigger-type", &api::analytics_by_trigger_type},
            {"factor", &api::analytics_by_factor}};
        for (const auto& [dimension, endpoint] : breakdowns) {
            r.push_back({.words = {"analytics", "by", dimension},
                         .endpoint = endpoint,
                         .summary = std::string("Performance by ") + dimension,
                         .example = std::string("hyperoru analytics by ") + dimension,
                         .view = row_view({})});
        }
        return r;
    }();
    return rows;
}

}  // namespace

void register_analytics(CLI::App& app, Action& action, const Selection& only) {
    add_rows(
        app, action, only, analytics_rows(),
        {{{"analytics"}, "Trading performance", "hyperoru analytics summary --days 7"},
         {{"analytics", "by"}, "Performance broken down by one dimension", "hyperoru analytics by symbol"}});
}

}  // namespace hyperoru::cli
