#pragma once
// A real terminal of a fixed size for full-screen commands: a private tmux server (its own
// socket in the test's directory) runs the command in a detached session; the test reads the
// screen as text (capture-pane), types keys (send-keys) and resizes the window. tmux interprets
// everything the program draws (cursor moves, partial updates, colours), so the text read back
// is what a person would see. Waiting is for a condition on the screen, with a deadline.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "e2e.hpp"

namespace e2e {

class Tmux {
public:
    /// Starts `hyperoru <args>` with `env` in a width × height terminal (UTF-8, TERM=screen).
    /// When the program ends (even by Ctrl-C), the pane shows "[exit N]" and stays, so the end
    /// can be read.
    Tmux(const Env& env, const std::vector<std::string>& args, int width, int height)
        : m_socket(env.dir() / "tmux.sock"), m_env(env) {
        std::vector<std::string> argv{
            "tmux",        "-u", "-S", m_socket.string(),     "-f", "/dev/null",
            "new-session", "-d", "-x", std::to_string(width), "-y", std::to_string(height)};
        for (const auto& [name, value] : env.vars) {
            argv.push_back("-e");
            argv.push_back(name + "=" + value);
        }
        argv.push_back("-e");
        argv.push_back("LANG=C.UTF-8");
        std::string command = "'" + std::string(HYPERORU_BINARY) + "'";
        for (const auto& arg : args) command += " '" + arg + "'";
        argv.push_back("/bin/sh");
        argv.push_back("-c");
        // The shell outlives a Ctrl-C meant for the program (a trap with a command is reset to
        // the default in the child), so the exit status can still be shown.
        argv.push_back("trap true INT; " + command + "; echo \"[exit $?]\"; exec sleep 600");
        const auto started = tmux_raw(argv);
        if (started.exit_code != 0) throw std::runtime_error("tmux new-session failed: " + started.err);
    }
    ~Tmux() { tmux({"kill-server"}); }
    Tmux(const Tmux&) = delete;
    Tmux& operator=(const Tmux&) = delete;

    /// The screen, one string per row, trailing spaces removed.
    std::vector<std::string> lines() const {
        const auto captured = tmux({"capture-pane", "-p"});
        std::vector<std::string> rows;
        std::size_t start = 0;
        while (start < captured.out.size()) {
            std::size_t end = captured.out.find('\n', start);
            if (end == std::string::npos) end = captured.out.size();
            std::string row = captured.out.substr(start, end - start);
            while (!row.empty() && row.back() == ' ') row.pop_back();
            rows.push_back(row);
            start = end + 1;
        }
        return rows;
    }
    /// The screen with its colours and attributes as SGR sequences (capture-pane -e).
    std::string screen_with_attributes() const { return tmux({"capture-pane", "-p", "-e"}).out; }
    std::string screen() const {
        std::string text;
        for (const auto& row : lines()) text += row + "\n";
        return text;
    }

    /// Polls the screen until `ready` holds (true) or `within` passes (false).
    bool wait(const std::function<bool(const std::string&)>& ready,
              std::chrono::milliseconds within = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + within;
        for (;;) {
            if (ready(screen())) return true;
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the pace of polling only
        }
    }
    bool wait_for(const std::string& text,
                  std::chrono::milliseconds within = std::chrono::seconds(10)) const {
        return wait([&](const std::string& s) { return contains(s, text); }, within);
    }

    /// tmux key names: "Enter", "Escape", "Down", "q", "/"; a literal text with `literal`.
    void keys(const std::vector<std::string>& names) const {
        std::vector<std::string> args{"send-keys", "-t", "0"};
        args.insert(args.end(), names.begin(), names.end());
        tmux(args);
    }
    void type(const std::string& text) const { tmux({"send-keys", "-t", "0", "-l", text}); }
    void resize(int width, int height) const {
        tmux({"resize-window", "-t", "0", "-x", std::to_string(width), "-y", std::to_string(height)});
    }
    /// The process id of the program (the child of the pane's shell); 0 when it has ended.
    int pid() const {
        const auto pane = tmux({"display-message", "-p", "-t", "0", "#{pane_pid}"});
        const auto child = hyperoru::test::run_process(
            {{"/usr/bin/pgrep", "-P", trim(pane.out)}, m_env.vars, "", std::chrono::seconds(5)});
        const std::string text = trim(child.out);
        return text.empty() || text.find('\n') != std::string::npos ? 0 : std::stoi(text);
    }

private:
    static std::string trim(std::string text) {
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        return text;
    }
    hyperoru::test::ProcessResult tmux_raw(const std::vector<std::string>& argv) const {
        std::vector<std::string> full = argv;
        full[0] = "/usr/bin/tmux";
        return hyperoru::test::run_process({full, m_env.vars, "", std::chrono::seconds(10)});
    }
    hyperoru::test::ProcessResult tmux(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{"tmux", "-u", "-S", m_socket.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return tmux_raw(argv);
    }

    std::filesystem::path m_socket;
    const Env& m_env;
};

}  // namespace e2e
