#pragma once
// Runs a child process (the real hyperoru binary in end-to-end tests) with a controlled
// environment and stdin, capturing stdout, stderr and the exit code; or under a pseudo-terminal.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hyperoru::test {

struct ProcessResult {
    int exit_code = -1;  ///< exit status, or 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::vector<std::string> argv;              ///< argv[0] is the program path
    std::map<std::string, std::string> env;     ///< the child's whole environment
    std::string stdin_data;                     ///< written to the child's stdin, then closed
    std::chrono::milliseconds timeout{20'000};  ///< the child is killed (SIGKILL) after this
};

/// Runs the process to completion. stdin, stdout and stderr are pipes (never a TTY).
/// If the timeout expires the child is killed and exit_code is 128 + 9.
ProcessResult run_process(const ProcessOptions& options);

struct PtyResult {
    int exit_code = -1;
    std::string output;  ///< everything the child wrote to the terminal (stdout and stderr)
};

/// One step of a terminal dialogue: wait until the output contains `expect` (as a substring of
/// the output produced since the previous step matched), then type `send`.
struct PtyStep {
    std::string expect;
    std::string send;
};

/// Runs the process with stdin, stdout and stderr all attached to a new pseudo-terminal
/// (forkpty), plays the dialogue, then reads until the child exits. Fails the current test
/// (Catch2 FAIL) when an expected text does not appear before the timeout.
PtyResult run_in_pty(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                     const std::vector<PtyStep>& dialogue,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds{20'000});

/// Enough environment for python (possibly a pyenv shim) to start: LC_ALL and the runner's PATH,
/// HOME, PYENV_ROOT and PYENV_VERSION.
std::map<std::string, std::string> python_env();

/// A pidfd for `pid` (readable once the child exits), or -1 where the kernel has none.
int open_pidfd(int pid) noexcept;

}  // namespace hyperoru::test
