#pragma once
// Standard output as a file descriptor writer that loses nothing: partial writes are completed,
// EINTR is retried unless the user interrupted, a non-blocking descriptor (inherited from a
// parent that set O_NONBLOCK on a shared pipe) waits for room with poll() instead of dropping
// data on EAGAIN, and the errno of the first failure is kept so the caller can tell a reader that
// went away (EPIPE) from a full disk (ENOSPC).
#include <streambuf>
#include <string>

namespace hyperoru::cli {

class FdOutput final : public std::streambuf {
public:
    /// Does not own `fd`.
    explicit FdOutput(int fd);
    ~FdOutput() override;
    FdOutput(const FdOutput&) = delete;
    FdOutput& operator=(const FdOutput&) = delete;

    /// errno of the first failed write; 0 while every write succeeded.
    int error() const noexcept { return m_error; }

protected:
    int_type overflow(int_type ch) override;
    std::streamsize xsputn(const char* data, std::streamsize size) override;
    int sync() override;

private:
    bool write_all(const char* data, std::size_t size);
    bool drain();

    int m_fd;
    int m_error = 0;
    std::string m_buffer;
};

}  // namespace hyperoru::cli
