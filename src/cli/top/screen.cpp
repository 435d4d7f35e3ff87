// ncursesw behind top::Screen (see screen.hpp).
#include "cli/top/screen.hpp"

#include <langinfo.h>
#include <climits>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <string>

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include "hyperoru/errors.hpp"

namespace hyperoru::cli::top {

namespace {

enum Pair : short { k_green = 1, k_red, k_yellow, k_cyan };

attr_t attributes(Style style, bool colour) {
    switch (style) {
        case Style::plain: return A_NORMAL;
        case Style::title: return A_BOLD;
        case Style::header: return A_BOLD;
        case Style::dim: return A_DIM;
        case Style::gain:
        case Style::good: return colour ? COLOR_PAIR(k_green) : A_NORMAL;
        case Style::loss: return colour ? COLOR_PAIR(k_red) : A_NORMAL;
        case Style::warn: return colour ? COLOR_PAIR(k_yellow) : A_NORMAL;
        case Style::bad: return colour ? COLOR_PAIR(k_red) | A_BOLD : A_BOLD;
        case Style::key: return colour ? COLOR_PAIR(k_cyan) | A_BOLD : A_BOLD;
    }
    return A_NORMAL;
}

}  // namespace

Screen::Screen(bool colour) : m_colour(colour) {
    // Only the character type: number formatting elsewhere keeps the C locale.
    std::setlocale(LC_CTYPE, "");
    m_unicode = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    set_escdelay(25);  // Esc alone answers at once, not after ncurses' default second
    // newterm, not initscr: a terminal ncurses cannot drive is an error to report, not an exit.
    m_screen = newterm(nullptr, stdout, stdin);
    if (m_screen == nullptr) {
        const char* term = std::getenv("TERM");
        throw Error(std::string("top cannot draw on this terminal (TERM=") + (term ? term : "") + ")");
    }
    cbreak();  // keys one at a time; Ctrl-C still interrupts (the process's SIGINT handler)
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    if (m_colour && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(k_green, COLOR_GREEN, -1);
        init_pair(k_red, COLOR_RED, -1);
        init_pair(k_yellow, COLOR_YELLOW, -1);
        init_pair(k_cyan, COLOR_CYAN, -1);
    } else {
        m_colour = false;
    }
}

Screen::~Screen() {
    endwin();
    delscreen(static_cast<SCREEN*>(m_screen));
}

int Screen::width() const {
    return COLS;
}

int Screen::height() const {
    return LINES;
}

void Screen::paint(const std::vector<Line>& lines) {
    if (m_resized) {  // what the terminal shows after a resize is unknown: draw every cell
        clearok(curscr, TRUE);
        m_resized = false;
    }
    for (int y = 0; y < LINES; ++y) {
        move(y, 0);
        if (static_cast<std::size_t>(y) < lines.size()) {
            const Line& line = lines[static_cast<std::size_t>(y)];
            for (const auto& span : line.spans) {
                attr_t attr = attributes(span.style, m_colour);
                if (line.selected) attr |= A_REVERSE;
                attrset(static_cast<int>(attr));
                addnstr(span.text.c_str(), static_cast<int>(span.text.size()));
            }
            attrset(A_NORMAL);
        }
        clrtoeol();
    }
    refresh();
}

std::optional<Key> Screen::key() {
    wint_t c = 0;
    const int got = get_wch(&c);
    if (got == ERR) return std::nullopt;
    Key key;
    if (got == KEY_CODE_YES) {
        switch (c) {
            case KEY_UP: key.kind = Key::Kind::up; break;
            case KEY_DOWN: key.kind = Key::Kind::down; break;
            case KEY_ENTER: key.kind = Key::Kind::enter; break;
            case KEY_BACKSPACE: key.kind = Key::Kind::backspace; break;
            case KEY_RESIZE:
                key.kind = Key::Kind::resize;
                m_resized = true;
                break;
            default: key.kind = Key::Kind::other; break;
        }
        return key;
    }
    switch (c) {
        case L'\r':
        case L'\n': key.kind = Key::Kind::enter; return key;
        case 27: key.kind = Key::Kind::escape; return key;
        case 127:
        case 8: key.kind = Key::Kind::backspace; return key;
        default: break;
    }
    if (c < 32) return key;  // other control keys: nothing
    char bytes[MB_LEN_MAX];
    std::mbstate_t state{};
    const std::size_t n = std::wcrtomb(bytes, static_cast<wchar_t>(c), &state);
    if (n == static_cast<std::size_t>(-1)) return key;
    key.kind = Key::Kind::text;
    key.text.assign(bytes, n);
    return key;
}

}  // namespace hyperoru::cli::top
