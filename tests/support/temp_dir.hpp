#pragma once
// A fresh temporary directory, removed with everything in it when the object goes away.
#include <filesystem>

namespace hyperoru::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

}  // namespace hyperoru::test
