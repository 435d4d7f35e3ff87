// The pages of `hyperoru top` as styled lines (see view.hpp).
#include "cli/top/view.hpp"

#include <algorithm>

#include "cli/chart.hpp"
#include "cli/decimal.hpp"
#include "cli/table.hpp"

namespace hyperoru::cli::top {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// "0s", "42s", "3m05s", "2h03m".
std::string age_text(milliseconds age) {
    const long long s = std::max<long long>(0, duration_cast<seconds>(age).count());
    if (s < 60) return std::to_string(s) + "s";
    const auto two = [](long long n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    if (s < 3600) return std::to_string(s / 60) + "m" + two(s % 60) + "s";
    return std::to_string(s / 3600) + "h" + two(s / 60 % 60) + "m";
}

/// A PnL with its sign (so it reads without colour) and its style.
Span pnl_span(const std::string& text, const std::string& suffix = "") {
    const auto value = Decimal::parse(text);
    if (!value) return {text.empty() ? "-" : sanitize_for_terminal(text), Style::dim};
    return {value->signed_text() + suffix, value->sign() > 0   ? Style::gain
                                           : value->sign() < 0 ? Style::loss
                                                               : Style::plain};
}

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : sanitize_for_terminal(text);
}

/// The line cut to `width` columns.
Line clip(Line line, std::size_t width, bool unicode) {
    std::size_t used = 0;
    for (std::size_t i = 0; i < line.spans.size(); ++i) {
        const std::size_t w = display_width(line.spans[i].text);
        if (used + w > width) {
            line.spans[i].text = fit(line.spans[i].text, width - used, unicode);
            line.spans.resize(i + 1);
            break;
        }
        used += w;
    }
    return line;
}

Line text_line(std::string text, Style style = Style::plain) {
    return Line{{Span{std::move(text), style}}, false};
}

std::string pad_right(const std::string& text, std::size_t width) {
    const std::size_t w = display_width(text);
    return w >= width ? text : text + std::string(width - w, ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
    const std::size_t w = display_width(text);
    return w >= width ? text : std::string(width - w, ' ') + text;
}

// -- tables ---------------------------------------------------------------------------------------

struct Column {
    std::string title;
    bool numeric = false;
    int priority = 0;     ///< the lowest goes first when the width is short; 0 is never left out
    std::size_t min = 0;  ///< a column that stays is cut down to this (with "…") as a last resort
    std::size_t cut = 0;  ///< a column that may be cut down to this before any column is left out
};

using Cells = std::vector<std::vector<Span>>;  // rows × columns

/// Header and rows laid out in `width` columns: numeric columns aligned on the decimal point
/// and right-aligned, text columns left-aligned; the lowest-priority columns are left out, then
/// the text columns that stay are cut to their minimum, until the table fits. Two spaces between
/// columns, one of margin on the left, no space at the end of a line.
std::vector<Line> table(const std::vector<Column>& columns, Cells rows, std::size_t width, bool unicode,
                        const std::vector<bool>& selected = {}, const std::vector<bool>& bold = {}) {
    const std::size_t n = columns.size();
    for (std::size_t c = 0; c < n; ++c) {
        if (!columns[c].numeric) continue;
        std::vector<std::string> cells;
        for (const auto& row : rows) cells.push_back(row[c].text);
        const auto aligned = align_decimals(cells);
        for (std::size_t r = 0; r < rows.size(); ++r) rows[r][c].text = aligned[r];
    }
    std::vector<std::size_t> widths(n);
    for (std::size_t c = 0; c < n; ++c) {
        widths[c] = display_width(columns[c].title);
        for (const auto& row : rows) widths[c] = std::max(widths[c], display_width(row[c].text));
    }
    std::vector<bool> shown(n, true);
    const auto total = [&] {
        std::size_t sum = 0, count = 0;
        for (std::size_t c = 0; c < n; ++c) {
            if (!shown[c]) continue;
            sum += widths[c];
            ++count;
        }
        return sum + (count > 0 ? 2 * (count - 1) : 0) + 1;  // one space of margin on the left
    };
    // First the columns that may be cut are cut (as little as needed); when that is not enough,
    // the least important column is left out and the cut ones get their width back, and so on.
    const std::vector<std::size_t> natural = widths;
    for (;;) {
        for (std::size_t c = 0; c < n; ++c) {
            if (columns[c].cut == 0) continue;
            widths[c] = natural[c];
            if (shown[c] && total() > width && widths[c] > columns[c].cut)
                widths[c] -= std::min(widths[c] - columns[c].cut, total() - width);
        }
        if (total() <= width) break;
        int lowest = 0;
        std::size_t drop = n;
        for (std::size_t c = 0; c < n; ++c) {
            if (shown[c] && columns[c].priority > 0 && (drop == n || columns[c].priority < lowest)) {
                drop = c;
                lowest = columns[c].priority;
            }
        }
        if (drop == n) break;
        shown[drop] = false;
    }
    // What cannot go is cut to its minimum.
    for (std::size_t c = 0; c < n && total() > width; ++c) {
        if (shown[c] && !columns[c].numeric && widths[c] > columns[c].min)
            widths[c] -= std::min(widths[c] - columns[c].min, total() - width);
    }
    std::size_t last = 0;
    for (std::size_t c = 0; c < n; ++c) {
        if (shown[c]) last = c;
    }
    const auto lay = [&](const std::vector<Span>& cells, bool header) {
        Line line;
        line.spans.push_back({" ", Style::plain});
        for (std::size_t c = 0; c < n; ++c) {
            if (!shown[c]) continue;
            Span span = cells[c];
            span.text = fit(span.text, widths[c], unicode);
            const bool right = columns[c].numeric;
            if (right) {
                span.text = pad_left(span.text, widths[c]);
            } else if (c != last) {
                span.text = pad_right(span.text, widths[c]);
            }
            if (header) span.style = Style::header;
            line.spans.push_back(std::move(span));
            if (c != last) line.spans.push_back({"  ", Style::plain});
        }
        // No trailing spaces: the last cell of a left-aligned column is not padded.
        while (!line.spans.empty() && line.spans.back().text.find_first_not_of(' ') == std::string::npos &&
               line.spans.size() > 1)
            line.spans.pop_back();
        return line;
    };
    std::vector<Span> titles;
    for (const auto& column : columns) titles.push_back({column.title, Style::header});
    std::vector<Line> out{lay(titles, true)};
    for (std::size_t r = 0; r < rows.size(); ++r) {
        Line line = lay(rows[r], false);
        if (r < selected.size()) line.selected = selected[r];
        if (r < bold.size() && bold[r]) {
            for (auto& span : line.spans) {
                if (span.style == Style::plain) span.style = Style::title;
            }
        }
        out.push_back(std::move(line));
    }
    return out;
}

// -- the fleet page -------------------------------------------------------------------------------

std::string decision_summary(const Trader& t) {
    if (t.decisions.empty()) return "-";
    const Decision& d = t.decisions.front();
    std::string text = clock_time(d.time);
    for (const auto* part : {&d.decision, &d.symbol}) {
        if (part->empty()) continue;
        if (!text.empty()) text += ' ';
        text += *part;
    }
    return text.empty() ? "-" : sanitize_for_terminal(text);
}

bool stale(std::optional<Time> at, milliseconds expected, Time now) {
    return !at || now - *at > 2 * expected;
}

std::vector<Line> fleet_lines(const std::vector<const Trader*>& rows, const ViewState& state,
                              const Timing& timing, std::size_t width, bool mark_selection) {
    // What goes first when the width is short: the static facts (model, exchange), then the last
    // decision, the position count, the age of the row, trading on/off, the day's %.
    const std::vector<Column> columns = {{"TRADER", false, 0, 8},        {"MODEL", false, 1, 0, 12},
                                         {"EXCHANGE", false, 2, 0},      {"TRADING", false, 6, 0},
                                         {"EQUITY", true, 0, 0},         {"DAY PNL", true, 0, 0},
                                         {"DAY %", true, 7, 0},          {"POS", true, 4, 0},
                                         {"LAST DECISION", false, 3, 0}, {"AGE", false, 5, 0}};
    Cells cells;
    std::vector<std::string> equities, pnls;
    std::size_t positions = 0;
    for (const Trader* t : rows) {
        std::vector<Span> row;
        row.push_back({t->name.empty() ? "#" + t->id : sanitize_for_terminal(t->name), Style::plain});
        row.push_back({or_dash(t->model), Style::dim});
        row.push_back({or_dash(t->exchange), Style::plain});
        row.push_back(t->trading ? Span{*t->trading ? "on" : "off", *t->trading ? Style::good : Style::warn}
                                 : Span{"-", Style::dim});
        row.push_back({or_dash(t->equity), Style::plain});
        row.push_back(pnl_span(t->daily_pnl));
        row.push_back(pnl_span(daily_pct(*t), "%"));
        row.push_back({std::to_string(t->positions.size()), Style::plain});
        row.push_back({decision_summary(*t), Style::plain});
        if (!t->updated) {
            row.push_back({"-", Style::dim});
        } else if (stale(t->updated, timing.refresh, timing.now)) {
            row.push_back({"stale", Style::warn});  // how old: the status line says
        } else {
            row.push_back({age_text(duration_cast<milliseconds>(timing.now - *t->updated)), Style::dim});
        }
        cells.push_back(std::move(row));
        equities.push_back(t->equity);
        pnls.push_back(t->daily_pnl);
        positions += t->positions.size();
    }
    // Totals: exact sums; a total is shown only when every part is known.
    Trader sum;
    sum.equity = decimal_sum(equities);
    sum.daily_pnl = decimal_sum(pnls);
    cells.push_back({{"TOTAL (" + std::to_string(rows.size()) + ")", Style::title},
                     {"", Style::plain},
                     {"", Style::plain},
                     {"", Style::plain},
                     {sum.equity.empty() ? "-" : sum.equity, Style::title},
                     pnl_span(sum.daily_pnl),
                     pnl_span(daily_pct(sum), "%"),
                     {std::to_string(positions), Style::title},
                     {"", Style::plain},
                     {"", Style::plain}});
    std::vector<bool> selected(rows.size() + 1, false);
    if (mark_selection && !rows.empty()) selected[std::min(state.selected, rows.size() - 1)] = true;
    std::vector<bool> bold(rows.size() + 1, false);
    bold.back() = true;
    return table(columns, std::move(cells), width, state.unicode, selected, bold);
}

// -- the status line and the footer ---------------------------------------------------------------

Line status_line(const Fleet& fleet, const ViewState& state, const Timing& timing) {
    Line line;
    const std::string dot = state.unicode ? " · " : " | ";
    switch (fleet.link()) {
        case Link::connecting: line.spans.push_back({"connecting", Style::warn}); break;
        case Link::live: line.spans.push_back({"live", Style::good}); break;
        case Link::reconnecting:
            line.spans.push_back(
                {fleet.link_detail().empty() ? "reconnecting" : fleet.link_detail(), Style::warn});
            break;
        case Link::rejected:
            line.spans.push_back({"token rejected", Style::bad});
            line.spans.push_back({": run hyperoru login", Style::plain});
            break;
        case Link::lost: line.spans.push_back({"stream lost: " + fleet.link_detail(), Style::bad}); break;
    }
    // The freshest data of all, and how old it is.
    std::optional<Time> freshest = fleet.last_push();
    for (const auto& id : fleet.ids()) {
        const Trader* t = fleet.find(id);
        if (t && t->updated && (!freshest || *t->updated > *freshest)) freshest = t->updated;
    }
    if (freshest) {
        line.spans.push_back(
            {dot + "data " + age_text(duration_cast<milliseconds>(timing.now - *freshest)) + " old",
             Style::plain});
    } else {
        line.spans.push_back({dot + "no data yet", Style::dim});
    }
    if (!fleet.rest_error().empty()) {
        line.spans.push_back({dot + "REST: " + sanitize_for_terminal(fleet.rest_error()), Style::bad});
    } else if (fleet.last_rest() && stale(fleet.last_rest(), timing.refresh, timing.now)) {
        line.spans.push_back({dot + "REST stale (" +
                                  age_text(duration_cast<milliseconds>(timing.now - *fleet.last_rest())) +
                                  ")",
                              Style::warn});
    }
    if (fleet.link() == Link::live) {
        const std::optional<Time> since = fleet.last_push() ? fleet.last_push() : fleet.live_since();
        if (since) {
            const std::string age = age_text(duration_cast<milliseconds>(timing.now - *since));
            if (stale(since, timing.push_interval, timing.now)) {
                line.spans.push_back({dot + "no push for " + age + " (stale)", Style::warn});
            } else if (fleet.last_push()) {
                line.spans.push_back({dot + "last push " + age + " ago", Style::plain});
            }
        }
    }
    if (!state.notice.empty()) line.spans.push_back({dot + state.notice, Style::key});
    return line;
}

Line footer(const ViewState& state) {
    Line line;
    if (state.editing) {
        line.spans.push_back({"filter: ", Style::key});
        line.spans.push_back({*state.editing + "_", Style::plain});
        line.spans.push_back({"   Enter apply  Esc cancel", Style::dim});
        return line;
    }
    const std::string move = state.unicode ? "↑↓/jk" : "jk";
    std::vector<std::pair<std::string, std::string>> keys;
    switch (state.page) {
        case Page::fleet:
            keys = {{move, "move"}, {"Enter", "open"}, {"s", "sort"}, {"/", "filter"},
                    {"c", "chart"}, {"r", "refresh"},  {"?", "help"}, {"q", "quit"}};
            break;
        case Page::trader:
            keys = {{move, "position"}, {"Esc", "back"}, {"c", "chart"},
                    {"r", "refresh"},   {"?", "help"},   {"q", "quit"}};
            break;
        case Page::help: keys = {{"Esc", "back"}, {"q", "quit"}}; break;
        case Page::chart: keys = {{"Esc", "back"}, {"r", "reload"}, {"q", "quit"}}; break;
    }
    for (const auto& [key, what] : keys) {
        if (!line.spans.empty()) line.spans.push_back({"  ", Style::plain});
        line.spans.push_back({key, Style::key});
        line.spans.push_back({" " + what, Style::plain});
    }
    return line;
}

Line title_line(const Fleet& fleet, const ViewState& state, std::size_t shown) {
    const std::string dot = state.unicode ? " · " : " | ";
    std::string text = "hyperoru top";
    if (state.page == Page::fleet || state.page == Page::help) {
        text += dot + std::to_string(shown) + (shown == 1 ? " trader" : " traders");
        text += dot + "sort " + sort_key_name(state.sort) + " " +
                (state.descending ? (state.unicode ? "↓" : "desc") : (state.unicode ? "↑" : "asc"));
        if (!state.filter.empty()) text += dot + "filter \"" + sanitize_for_terminal(state.filter) + "\"";
    } else {
        const Trader* t = fleet.find(state.open_id);
        const std::string name = t && !t->name.empty() ? sanitize_for_terminal(t->name) : "#" + state.open_id;
        text += (state.unicode ? " › " : " > ") + name;
        if (state.page == Page::chart) text += (state.unicode ? " › " : " > ") + state.chart_title;
    }
    return text_line(text, Style::title);
}

/// Reasoning as lines of plain text: a tab is a space and "\r\n" a line break (a tab would jump
/// to the terminal's next tab stop, past the column the width was counted for); every other
/// control is made visible.
std::string reasoning_text(std::string_view text) {
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\t') {
            plain += ' ';
        } else if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else {
            plain += text[i];
        }
    }
    return sanitize_text_for_terminal(plain);
}

// -- the trader page ------------------------------------------------------------------------------

std::vector<Line> trader_lines(const Trader& t, const ViewState& state, std::size_t width, std::size_t room) {
    std::vector<Line> out;
    const std::string dot = state.unicode ? " · " : " | ";
    {
        Line line;
        line.spans.push_back({t.name.empty() ? "#" + t.id : sanitize_for_terminal(t.name), Style::title});
        line.spans.push_back(
            {"  #" + sanitize_for_terminal(t.id) + dot + or_dash(t.model) + dot + or_dash(t.exchange) + dot,
             Style::plain});
        if (t.trading) {
            line.spans.push_back(
                {*t.trading ? "trading on" : "trading off", *t.trading ? Style::good : Style::warn});
        } else {
            line.spans.push_back({"trading -", Style::dim});
        }
        out.push_back(std::move(line));
    }
    {
        Line line;
        line.spans.push_back({"equity " + or_dash(t.equity) + "   day ", Style::plain});
        line.spans.push_back(pnl_span(t.daily_pnl));
        const std::string pct = daily_pct(t);
        if (!pct.empty()) {
            line.spans.push_back({" (", Style::plain});
            line.spans.push_back(pnl_span(pct, "%"));
            line.spans.push_back({")", Style::plain});
        }
        std::vector<std::string> upnls;
        for (const auto& p : t.positions) upnls.push_back(p.upnl);
        const std::string upnl = decimal_sum(upnls);
        if (!t.positions.empty() && !upnl.empty()) {
            line.spans.push_back({"   upnl ", Style::plain});
            line.spans.push_back(pnl_span(upnl));
        }
        out.push_back(std::move(line));
    }
    {
        std::vector<std::string> values(t.curve.begin(), t.curve.end());
        const std::size_t spark = width > 10 ? width - 10 : 0;
        std::string line = "curve    ";
        if (values.size() < 2) {
            line += "-";
        } else if (state.unicode) {
            std::string spark_line = sparkline(values, static_cast<int>(spark));
            while (!spark_line.empty() && spark_line.back() == ' ') spark_line.pop_back();
            line += spark_line;
        } else {  // no block characters: where it started and where it is
            line += sanitize_for_terminal(values.front()) + " .. " + sanitize_for_terminal(values.back());
        }
        out.push_back(text_line(line, Style::gain));
    }
    out.push_back(text_line(""));

    // What each section may take: positions first, then the decision's reasoning; orders and
    // fills share the rest.
    const bool small = room < 24;
    const std::size_t max_positions = small ? 3 : 8;
    const std::size_t max_orders = small ? 2 : 5;
    const std::size_t max_fills = small ? 3 : std::max<std::size_t>(5, (room > 40 ? room - 40 : 0) / 2 + 5);

    out.push_back(text_line("POSITIONS (" + std::to_string(t.positions.size()) + ")", Style::header));
    if (t.positions.empty()) {
        out.push_back(text_line(" none", Style::dim));
    } else {
        Cells cells;
        std::vector<bool> selected;
        const std::size_t first = state.position >= max_positions ? state.position - max_positions + 1
                                                                  : 0;  // keep the choice in view
        for (std::size_t i = first; i < t.positions.size() && i < first + max_positions; ++i) {
            const Position& p = t.positions[i];
            cells.push_back({{sanitize_for_terminal(p.symbol), Style::plain},
                             {or_dash(p.side), p.side == "long"    ? Style::gain
                                               : p.side == "short" ? Style::loss
                                                                   : Style::plain},
                             {or_dash(p.size), Style::plain},
                             {or_dash(p.entry), Style::plain},
                             {or_dash(p.mark), Style::plain},
                             pnl_span(p.upnl),
                             {or_dash(p.leverage), Style::plain}});
            selected.push_back(i == state.position);
        }
        const auto lines = table({{"SYMBOL", false, 0, 4},
                                  {"SIDE", false, 0, 0},
                                  {"SIZE", true, 0, 0},
                                  {"ENTRY", true, 3, 0},
                                  {"MARK", true, 0, 0},
                                  {"UPNL", true, 0, 0},
                                  {"LEV", true, 2, 0}},
                                 std::move(cells), width, state.unicode, selected);
        out.insert(out.end(), lines.begin(), lines.end());
    }
    out.push_back(text_line("OPEN ORDERS (" + std::to_string(t.orders.size()) + ")", Style::header));
    if (t.orders.empty()) {
        out.push_back(text_line(" none", Style::dim));
    } else {
        Cells cells;
        for (std::size_t i = 0; i < t.orders.size() && i < max_orders; ++i) {
            const Order& o = t.orders[i];
            cells.push_back({{or_dash(o.id), Style::dim},
                             {or_dash(o.symbol), Style::plain},
                             {or_dash(o.side), o.side == "buy"    ? Style::gain
                                               : o.side == "sell" ? Style::loss
                                                                  : Style::plain},
                             {or_dash(o.type), Style::plain},
                             {or_dash(o.price), Style::plain},
                             {or_dash(o.quantity), Style::plain}});
        }
        const auto lines = table({{"ID", false, 2, 0},
                                  {"SYMBOL", false, 0, 4},
                                  {"SIDE", false, 0, 0},
                                  {"TYPE", false, 3, 0},
                                  {"PRICE", true, 0, 0},
                                  {"QTY", true, 0, 0}},
                                 std::move(cells), width, state.unicode);
        out.insert(out.end(), lines.begin(), lines.end());
    }
    out.push_back(text_line("FILLS", Style::header));
    if (t.fills.empty()) {
        out.push_back(text_line(" none yet", Style::dim));
    } else {
        for (std::size_t i = 0; i < t.fills.size() && i < max_fills; ++i) {
            const Fill& f = t.fills[i];
            Line line;
            line.spans.push_back(
                {" " + clock_time(f.time) + "  " + sanitize_for_terminal(f.symbol) + " ", Style::plain});
            line.spans.push_back({or_dash(f.side), f.side == "buy"    ? Style::gain
                                                   : f.side == "sell" ? Style::loss
                                                                      : Style::plain});
            line.spans.push_back({" " + or_dash(f.quantity) + " @ " + or_dash(f.price) + "  ", Style::plain});
            line.spans.push_back({or_dash(f.status), f.status == "filled" ? Style::good : Style::warn});
            out.push_back(std::move(line));
        }
    }
    if (t.decisions.empty()) {
        out.push_back(text_line("DECISION", Style::header));
        out.push_back(text_line(" none yet", Style::dim));
    } else {
        const Decision& d = t.decisions.front();
        Line head;
        head.spans.push_back({"DECISION ", Style::header});
        std::string what = clock_time(d.time);
        for (const auto* part : {&d.decision, &d.symbol}) {
            if (!part->empty()) what += (what.empty() ? "" : " ") + sanitize_for_terminal(*part);
        }
        if (!d.model.empty()) what += dot + sanitize_for_terminal(d.model);
        head.spans.push_back({what, Style::plain});
        out.push_back(std::move(head));
        for (const auto& piece : wrap(reasoning_text(d.reasoning), width > 2 ? width - 1 : 1))
            out.push_back(text_line(" " + piece));
        // The feed: the decisions before it, newest first, one line each (as many as fit).
        if (t.decisions.size() > 1) out.push_back(text_line("EARLIER DECISIONS", Style::header));
        for (std::size_t i = 1; i < t.decisions.size(); ++i) {
            const Decision& e = t.decisions[i];
            std::string text = " " + clock_time(e.time) + "  " + sanitize_for_terminal(e.decision);
            if (!e.symbol.empty()) text += " " + sanitize_for_terminal(e.symbol);
            const auto first = wrap(reasoning_text(e.reasoning), 1000);
            if (!first.empty()) text += "  " + first.front();
            out.push_back(text_line(text, Style::dim));
        }
    }
    return out;
}

// -- help -----------------------------------------------------------------------------------------

std::vector<Line> help_lines(const ViewState& state) {
    const std::string move = state.unicode ? "↑ ↓  j k" : "j k";
    const std::vector<std::pair<std::string, std::string>> keys = {
        {move, "move between traders (positions on a trader's page)"},
        {"Enter", "open the trader's page"},
        {"Esc", "back to the fleet (or close this help)"},
        {"s / S", "sort by the next key (name, equity, pnl, pnl%, positions, decision) / reverse"},
        {"/", "filter by name, model, exchange or id; Enter applies, Esc cancels"},
        {"c", "candles of the chosen position's symbol (the first one on the fleet page)"},
        {"r", "refresh now (the account list, balances, positions and orders)"},
        {"?", "this help"},
        {"q", "quit"}};
    std::vector<Line> out{text_line("KEYS", Style::header)};
    for (const auto& [key, what] : keys) {
        Line line;
        line.spans.push_back({" " + pad_right(key, 10), Style::key});
        line.spans.push_back({what, Style::plain});
        out.push_back(std::move(line));
    }
    out.push_back(text_line(""));
    out.push_back(
        text_line("Numbers are shown with the server's digits; PnL carries its sign. AGE and", Style::dim));
    out.push_back(
        text_line("the status line mark data older than twice its expected interval stale.", Style::dim));
    return out;
}

}  // namespace

namespace {

/// How many bytes of `text` (whole characters) fit in `width` columns.
std::size_t prefix_within(std::string_view text, std::size_t width) {
    std::size_t fits = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t next = i + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
        if (display_width(text.substr(0, next)) > width) break;
        fits = next;
        i = next;
    }
    return fits;
}

}  // namespace

std::string fit(std::string_view text, std::size_t width, bool unicode) {
    if (display_width(text) <= width) return std::string(text);
    if (width == 0) return "";
    return std::string(text.substr(0, prefix_within(text, width - 1))) + (unicode ? "…" : "~");
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    if (width == 0) width = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view paragraph = text.substr(start, end - start);
        std::string line;
        std::size_t i = 0;
        while (i < paragraph.size()) {
            while (i < paragraph.size() && paragraph[i] == ' ') ++i;
            std::size_t j = paragraph.find(' ', i);
            if (j == std::string_view::npos) j = paragraph.size();
            if (i >= j) break;
            std::string word(paragraph.substr(i, j - i));
            i = j;
            const std::string joined = line.empty() ? word : line + " " + word;
            if (display_width(joined) <= width) {
                line = joined;
                continue;
            }
            if (!line.empty()) lines.push_back(line);
            while (display_width(word) > width) {  // a word longer than a line: cut it
                const std::size_t cut = prefix_within(word, width);
                if (cut == 0) break;
                lines.push_back(word.substr(0, cut));
                word = word.substr(cut);
            }
            line = word;
        }
        lines.push_back(line);
        if (end == text.size()) break;
        start = end + 1;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

std::vector<std::string> align_decimals(const std::vector<std::string>& cells) {
    std::size_t whole = 0, fraction = 0;
    const auto split = [](const std::string& cell) -> std::optional<std::size_t> {
        if (!Decimal::parse(cell) && !(cell.size() > 1 && cell.back() == '%' &&
                                       Decimal::parse(std::string_view(cell).substr(0, cell.size() - 1))))
            return std::nullopt;
        const std::size_t point = cell.find('.');
        return point == std::string::npos ? cell.size() - (cell.back() == '%' ? 1 : 0) : point;
    };
    for (const auto& cell : cells) {
        if (const auto point = split(cell)) {
            whole = std::max(whole, *point);
            fraction = std::max(fraction, cell.size() - *point);
        }
    }
    std::vector<std::string> out;
    for (const auto& cell : cells) {
        const auto point = split(cell);
        if (!point) {
            out.push_back(cell);
            continue;
        }
        // "%" sits after the fraction: a cell without a point keeps its "%" at the column's end.
        std::string text = std::string(whole - *point, ' ') + cell;
        const bool percent = cell.back() == '%';
        const std::size_t tail = cell.size() - *point;
        if (tail < fraction) {
            if (percent) {
                text.insert(text.size() - 1, std::string(fraction - tail, ' '));
            } else {
                text += std::string(fraction - tail, ' ');
            }
        }
        out.push_back(text);
    }
    return out;
}

std::string clock_time(std::string_view timestamp) {
    // YYYY-MM-DDTHH:MM:SS...: the time of day, which is what a dashboard of today needs.
    if (timestamp.size() >= 19 && (timestamp[10] == 'T' || timestamp[10] == ' ') && timestamp[13] == ':' &&
        timestamp[16] == ':')
        return sanitize_for_terminal(timestamp.substr(11, 8));
    return sanitize_for_terminal(timestamp);
}

Command press(ViewState& state, const Fleet& fleet, const Key& key) {
    using Kind = Key::Kind;
    const auto is = [&](const char* text) { return key.kind == Kind::text && key.text == text; };
    if (state.editing) {
        std::string& typed = *state.editing;
        if (key.kind == Kind::text) {
            typed += key.text;
        } else if (key.kind == Kind::backspace && !typed.empty()) {
            std::size_t cut = typed.size() - 1;
            while (cut > 0 && (static_cast<unsigned char>(typed[cut]) & 0xC0) == 0x80) --cut;
            typed.erase(cut);
        } else if (key.kind == Kind::enter) {
            state.filter = typed;
            state.editing.reset();
            state.selected = 0;
        } else if (key.kind == Kind::escape) {
            state.editing.reset();
        }
        return {};
    }
    if (is("q")) return {Command::Kind::quit, ""};
    if (key.kind == Kind::resize) return {};
    if (state.page == Page::help) {
        if (key.kind == Kind::escape || is("?")) state.page = state.help_back;
        return {};
    }
    if (is("?")) {
        state.help_back = state.page == Page::chart ? state.chart_back : state.page;
        state.page = Page::help;
        return {};
    }
    if (state.page == Page::chart) {
        if (key.kind == Kind::escape) state.page = state.chart_back;
        if (is("r")) return {Command::Kind::chart, state.chart_title.substr(0, state.chart_title.find(' '))};
        return {};
    }
    if (is("r")) return {Command::Kind::refresh, ""};
    const auto rows = fleet.rows(state.sort, state.descending, state.filter);
    const auto chart_of = [&](const Trader* t, std::size_t index) -> Command {
        if (!t || t->positions.empty()) {
            state.notice = "no open position to chart";
            return {};
        }
        const std::string symbol = t->positions[std::min(index, t->positions.size() - 1)].symbol;
        state.chart_back = state.page;
        state.open_id = t->id;
        state.page = Page::chart;
        state.chart_title = symbol + " 1h candles";
        state.chart = {" loading " + sanitize_for_terminal(symbol) + " candles..."};
        return {Command::Kind::chart, symbol};
    };
    if (state.page == Page::fleet) {
        if (key.kind == Kind::up || is("k")) {
            if (state.selected > 0) --state.selected;
        } else if (key.kind == Kind::down || is("j")) {
            if (state.selected + 1 < rows.size()) ++state.selected;
        } else if (key.kind == Kind::enter) {
            if (!rows.empty()) {
                state.open_id = rows[std::min(state.selected, rows.size() - 1)]->id;
                state.position = 0;
                state.page = Page::trader;
            }
        } else if (is("s")) {
            state.sort = next_sort_key(state.sort);
            state.descending = state.sort != SortKey::name;  // the largest first, names A to Z
        } else if (is("S")) {
            state.descending = !state.descending;
        } else if (is("/")) {
            state.editing = state.filter;
        } else if (key.kind == Kind::escape) {
            state.filter.clear();
        } else if (is("c")) {
            return chart_of(rows.empty() ? nullptr : rows[std::min(state.selected, rows.size() - 1)], 0);
        }
        return {};
    }
    // The trader page.
    const Trader* t = fleet.find(state.open_id);
    if (key.kind == Kind::escape) {
        state.page = Page::fleet;
    } else if (key.kind == Kind::up || is("k")) {
        if (state.position > 0) --state.position;
    } else if (key.kind == Kind::down || is("j")) {
        if (t && state.position + 1 < t->positions.size()) ++state.position;
    } else if (is("c")) {
        return chart_of(t, state.position);
    }
    return {};
}

std::string line_text(const Line& line) {
    std::string text;
    for (const auto& span : line.spans) text += span.text;
    return text;
}

std::vector<std::string> fleet_table(const Fleet& fleet, const ViewState& state, const Timing& timing,
                                     int width) {
    std::vector<std::string> out;
    const auto rows = fleet.rows(state.sort, state.descending, state.filter);
    for (const auto& line :
         fleet_lines(rows, state, timing, static_cast<std::size_t>(std::max(width, 20)), false))
        out.push_back(line_text(line));
    return out;
}

std::vector<Line> render(const Fleet& fleet, const ViewState& state, const Timing& timing, int width,
                         int height) {
    const std::size_t w = static_cast<std::size_t>(std::max(width, 1));
    const std::size_t h = static_cast<std::size_t>(std::max(height, 1));
    std::vector<Line> out;
    const auto rows = fleet.rows(state.sort, state.descending, state.filter);
    out.push_back(title_line(fleet, state, rows.size()));
    const std::size_t room = h > 3 ? h - 3 : 0;  // between the title and the status and footer lines
    std::vector<Line> body;
    switch (state.page) {
        case Page::fleet: {
            body = fleet_lines(rows, state, timing, w, true);
            if (rows.empty()) {
                body.insert(
                    body.begin() + 1,
                    text_line(state.filter.empty() ? " no traders yet" : " no trader matches the filter",
                              Style::dim));
            }
            // Keep the chosen row in view: scroll the rows, never the header or the totals.
            if (body.size() > room && room >= 3) {
                const std::size_t visible = room - 2;
                const std::size_t chosen = std::min(state.selected, rows.empty() ? 0 : rows.size() - 1);
                const std::size_t first = chosen >= visible ? chosen - visible + 1 : 0;
                std::vector<Line> scrolled{body.front()};
                for (std::size_t i = 0; i < visible && 1 + first + i < body.size() - 1; ++i)
                    scrolled.push_back(body[1 + first + i]);
                scrolled.push_back(body.back());
                body = std::move(scrolled);
            }
            break;
        }
        case Page::trader:
        case Page::chart: {
            const Trader* t = fleet.find(state.open_id);
            if (state.page == Page::chart) {
                for (const auto& text : state.chart) body.push_back(text_line(text));
            } else if (t) {
                body = trader_lines(*t, state, w, room);
            } else {
                body.push_back(
                    text_line(" trader #" + sanitize_for_terminal(state.open_id) + " is no longer listed",
                              Style::warn));
            }
            break;
        }
        case Page::help: body = help_lines(state); break;
    }
    for (std::size_t i = 0; i < body.size() && i < room; ++i) out.push_back(std::move(body[i]));
    while (out.size() < h - std::min<std::size_t>(h, 2)) out.push_back(text_line(""));
    if (h >= 2) out.push_back(status_line(fleet, state, timing));
    if (h >= 3 || out.size() < h) out.push_back(footer(state));
    out.resize(h);
    for (auto& line : out) line = clip(std::move(line), w, state.unicode);
    return out;
}

}  // namespace hyperoru::cli::top
