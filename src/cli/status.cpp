#include "cli/status.hpp"

#include <array>
#include <utility>

#include "cli/table.hpp"

namespace hyperoru::cli {

namespace {

constexpr std::array<const char*, 10> k_frames = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::chrono::milliseconds k_frame_time{100};

}  // namespace

Status::Status(std::ostream& err, Options options) : m_err(err), m_options(std::move(options)) {}

Status::~Status() {
    stop_spinner();
}

void Status::draw(const std::string& text) {
    m_err << '\r' << text << "\033[K" << std::flush;
    m_shown = true;
}

void Status::erase() {
    if (!m_shown) return;
    m_err << "\r\033[K" << std::flush;
    m_shown = false;
}

void Status::line(std::string_view prefix, const std::string& text) {
    if (!m_options.notices) return;
    const std::lock_guard lock(m_mutex);
    erase();
    m_err << prefix << sanitize_for_terminal(text) << '\n' << std::flush;
}

void Status::notice(const std::string& text) {
    line("hyperoru: ", text);
}

void Status::success(const std::string& text) {
    line("", text);
}

void Status::progress(const std::string& text) {
    if (!m_options.transient) return;
    const std::lock_guard lock(m_mutex);
    draw(sanitize_for_terminal(text));
}

void Status::clear() {
    const std::lock_guard lock(m_mutex);
    erase();
}

void Status::start_spinner(std::string what) {
    if (!m_options.transient || !m_options.spinner_after || m_spinner.joinable()) return;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_spinner = std::thread([this, text = sanitize_for_terminal(what)] { spin(text); });
}

void Status::stop_spinner() {
    if (!m_spinner.joinable()) return;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_spinner.join();
}

void Status::spin(std::string what) {
    std::unique_lock lock(m_mutex);
    const auto stopping = [this] { return m_stopping; };
    if (m_wake.wait_for(lock, *m_options.spinner_after, stopping)) return;
    for (std::size_t frame = 0;; ++frame) {
        draw(std::string(k_frames[frame % k_frames.size()]) + " " + what + " ...");
        if (m_wake.wait_for(lock, k_frame_time, stopping)) break;
    }
    erase();  // the call is over: nothing may follow the spinner on its line
}

}  // namespace hyperoru::cli
