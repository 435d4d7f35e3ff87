// What `hyperoru top` makes of anything a server sends: stream messages and REST bodies go into
// the Fleet (src/cli/top/fleet.cpp), and every page is drawn at two sizes (src/cli/top/view.cpp).
// Properties:
//  - nothing throws or crashes, whatever the text;
//  - every page is exactly `height` lines, none wider than `width` columns;
//  - no line can drive the terminal: valid UTF-8 without C0 controls, DEL, C1 or bidi controls.
// Input: one byte picks how each later piece is fed (message, account list, balance, positions,
// orders, curve), then pieces separated by '\n'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/table.hpp"
#include "cli/top/fleet.hpp"
#include "cli/top/view.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace hyperoru::cli::top;

/// Valid UTF-8 with nothing that moves the cursor, recolours or reorders text.
bool terminal_safe(std::string_view text) {
    return hyperoru::cli::sanitize_for_terminal(text) == text;
}

void check_pages(const Fleet& fleet, ViewState state, Time now) {
    Timing timing;
    timing.now = now;
    for (const auto page : {Page::fleet, Page::trader, Page::help}) {
        state.page = page;
        if (!fleet.ids().empty()) state.open_id = fleet.ids().front();
        for (const auto& [width, height] : {std::pair{80, 24}, std::pair{23, 7}}) {
            const auto lines = render(fleet, state, timing, width, height);
            FUZZ_CHECK(static_cast<int>(lines.size()) == height);
            for (const auto& line : lines) {
                const std::string text = line_text(line);
                FUZZ_CHECK(hyperoru::cli::display_width(text) <= static_cast<std::size_t>(width));
                FUZZ_CHECK(terminal_safe(text));
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hyperoru::fuzz::Bytes bytes(data, size);
    const std::uint8_t plan = bytes.byte();
    Fleet fleet;
    const Time now = Time{} + std::chrono::seconds(100);
    std::string_view rest = bytes.rest();
    for (unsigned piece = 0; !rest.empty() && piece < 64; ++piece) {
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        const std::string text(rest.substr(0, end));
        rest.remove_prefix(std::min(end + 1, rest.size()));
        switch ((plan >> (piece % 4 * 2)) & 3u) {
            case 0: fleet.on_message(text, now); break;
            case 1: fleet.on_accounts(text); break;
            case 2: fleet.on_positions("1", text, now); break;
            default:
                fleet.on_pending_orders(text, now);
                fleet.on_curve("1", text, now);
                fleet.on_balance("1", text, now);
                break;
        }
    }
    ViewState state;
    for (const auto key : {SortKey::name, SortKey::equity, SortKey::daily_pct, SortKey::decision}) {
        state.sort = key;
        check_pages(fleet, state, now);
    }
    return 0;
}
