#pragma once
// What hyperoru says on stderr while a person waits at a terminal: a notice for each retry, a
// spinner for a slow call, a progress line for --all. Off a terminal, and with --quiet, none of it.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace hyperoru::cli {

/// The one writer of waiting messages on stderr (Context::status()). A transient line (the
/// spinner, the --all progress) is drawn with "\r<text>\033[K" and erased with "\r\033[K" before
/// anything else is written; a notice is a whole line. Every write holds one mutex, so the
/// spinner's thread and the caller's never interleave.
class Status {
public:
    struct Options {
        bool notices = false;    ///< retry notices: stderr is a terminal and no --quiet
        bool transient = false;  ///< spinner and progress: also no -v (its trace) and TERM not "dumb"
        /// How long a request runs before the spinner shows; nullopt: never.
        std::optional<std::chrono::milliseconds> spinner_after;
    };
    Status(std::ostream& err, Options options);
    ~Status();
    Status(const Status&) = delete;
    Status& operator=(const Status&) = delete;

    /// "hyperoru: <text>" on a line of its own (the transient line erased first); nothing
    /// without `notices`.
    void notice(const std::string& text);
    /// `text` on a line of its own, as it is: the one line a mutation prints when it succeeded
    /// ("Cancelled order 42."); nothing without `notices`.
    void success(const std::string& text);
    /// Draws `text` as the transient line, replacing the one shown; nothing without `transient`.
    void progress(const std::string& text);
    /// Erases the transient line, if one is shown.
    void clear();

    /// Shows a spinner with `what` ("GET /api/account/list") once spinner_after has passed, until
    /// stop_spinner(). One at a time; does nothing without `transient` or spinner_after.
    void start_spinner(std::string what);
    /// Stops the spinner, and erases it when it was drawn. Safe to call when none runs.
    void stop_spinner();

private:
    void spin(std::string what);
    /// `prefix` and `text` on a line of its own, the transient line erased first; nothing
    /// without `notices`.
    void line(std::string_view prefix, const std::string& text);
    void draw(const std::string& text);  // with m_mutex held
    void erase();                        // with m_mutex held

    std::ostream& m_err;
    Options m_options;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_spinner;
    bool m_stopping = false;
    bool m_shown = false;  ///< a transient line is on the terminal
};

/// RAII for Status::start_spinner / stop_spinner around one blocking call.
class Spinning {
public:
    Spinning(Status& status, std::string what) : m_status(status) { m_status.start_spinner(std::move(what)); }
    ~Spinning() { m_status.stop_spinner(); }
    Spinning(const Spinning&) = delete;
    Spinning& operator=(const Spinning&) = delete;

private:
    Status& m_status;
};

}  // namespace hyperoru::cli
