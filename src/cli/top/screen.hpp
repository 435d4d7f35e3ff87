#pragma once
// The terminal of `hyperoru top`, through ncursesw: full screen, keys without echo, a resize
// seen as a key, and painting of styled lines (ncurses sends only the cells that changed). The
// only code that includes curses; one Screen per process, used from one thread.
#include <optional>
#include <string>
#include <vector>

#include "cli/top/view.hpp"

namespace hyperoru::cli::top {

class Screen {
public:
    /// Takes over the terminal on stdin/stdout; `colour` false draws with attributes only.
    /// Throws hyperoru::Error when ncurses cannot drive the terminal TERM names.
    explicit Screen(bool colour);
    ~Screen();  ///< gives the terminal back as it was
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    int width() const;
    int height() const;
    /// Whether the terminal takes UTF-8 (the locale's character set): arrows, blocks and "·".
    bool unicode() const noexcept { return m_unicode; }

    void paint(const std::vector<Line>& lines);
    /// The next key typed, without waiting; nullopt when none is waiting.
    std::optional<Key> key();

private:
    void* m_screen = nullptr;  ///< ncurses' SCREEN (curses.h stays in screen.cpp)
    bool m_colour;
    bool m_unicode = false;
    bool m_resized = false;  ///< the next paint redraws the whole terminal
};

}  // namespace hyperoru::cli::top
