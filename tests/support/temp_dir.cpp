// A private temporary directory per test (config dirs, HOME), removed afterwards.
#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>

namespace hyperoru::test {
namespace {

namespace fs = std::filesystem;

/// Gives the owner full access to `path` and everything under it (symlinks are not followed),
/// for trees a test deliberately left unreadable or read-only (permission-error tests).
void make_removable(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::symlink_status(path, ec);
    if (ec || fs::is_symlink(status)) return;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    if (!fs::is_directory(status)) return;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        make_removable(it->path());
    }
}

}  // namespace

TempDir::TempDir() {
    const char* tmpdir = std::getenv("TMPDIR");
    const fs::path base = tmpdir != nullptr && *tmpdir != '\0' ? fs::path(tmpdir) : fs::path("/tmp");
    std::string pattern = (base / "hyperoru-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
    if (ec) {
        make_removable(m_path);
        fs::remove_all(m_path, ec);  // still failing: leave it; a destructor must not throw
    }
}

}  // namespace hyperoru::test
