#include "cli/fd_output.hpp"

#include <poll.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "hyperoru/retry.hpp"

namespace hyperoru::cli {

namespace {
constexpr std::size_t k_buffer_size = 64 * 1024;
}

FdOutput::FdOutput(int fd) : m_fd(fd) {
    m_buffer.resize(k_buffer_size);
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
}

FdOutput::~FdOutput() {
    drain();
}

bool FdOutput::write_all(const char* data, std::size_t size) {
    while (size > 0 && m_error == 0) {
        const ssize_t written = ::write(m_fd, data, size);
        if (written > 0) {
            data += written;
            size -= static_cast<std::size_t>(written);
        } else if (written < 0 && errno == EINTR && !interrupt_flag().load()) {
            continue;
        } else if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // A non-blocking pipe is full: wait for the reader instead of dropping the data.
            pollfd ready{m_fd, POLLOUT, 0};
            if (::poll(&ready, 1, -1) < 0 && (errno != EINTR || interrupt_flag().load())) m_error = errno;
        } else {
            m_error = written < 0 ? errno : EIO;
        }
    }
    return m_error == 0;
}

bool FdOutput::drain() {
    const auto pending = static_cast<std::size_t>(pptr() - pbase());
    const bool ok = pending == 0 || write_all(pbase(), pending);
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return ok;
}

FdOutput::int_type FdOutput::overflow(int_type ch) {
    if (!drain()) return traits_type::eof();
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
    return ch;
}

std::streamsize FdOutput::xsputn(const char* data, std::streamsize size) {
    const auto count = static_cast<std::size_t>(size);
    const auto room = static_cast<std::size_t>(epptr() - pptr());
    if (count <= room) {
        std::memcpy(pptr(), data, count);
        pbump(static_cast<int>(count));
        return size;
    }
    // Larger than the room left: send what is buffered, then the data itself in one go.
    if (!drain() || !write_all(data, count)) return 0;
    return size;
}

int FdOutput::sync() {
    return drain() ? 0 : -1;
}

}  // namespace hyperoru::cli
