#pragma once
// Shared helpers of the fuzz targets: a property check that aborts (so libFuzzer, the replay
// program and ctest all report it), and a reader that cuts the fuzzer's bytes into decisions.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace hyperoru::fuzz {

[[noreturn]] inline void property_violated(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: fuzz property violated: %s\n", file, line, what);
    std::abort();
}

/// The input as a sequence of choices: small numbers first, the rest as text.
class Bytes {
public:
    Bytes(const std::uint8_t* data, std::size_t size) : m_rest(reinterpret_cast<const char*>(data), size) {}

    /// The next byte, or 0 when the input is used up.
    std::uint8_t byte() {
        if (m_rest.empty()) return 0;
        const auto b = static_cast<std::uint8_t>(m_rest.front());
        m_rest.remove_prefix(1);
        return b;
    }
    /// Up to `n` bytes as text.
    std::string_view take(std::size_t n) {
        const std::string_view out = m_rest.substr(0, n);
        m_rest.remove_prefix(out.size());
        return out;
    }
    std::string_view rest() const noexcept { return m_rest; }

private:
    std::string_view m_rest;
};

/// One step of UTF-8 validation: the length of the well-formed sequence at `s`, 0 if none.
inline std::size_t utf8_length(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b(0) < 0x80) return 1;
    if (b(0) >= 0xC2 && b(0) <= 0xDF) {
        n = 2;
    } else if (b(0) >= 0xE0 && b(0) <= 0xEF) {
        n = 3;
        lo = b(0) == 0xE0 ? 0xA0 : 0x80;
        hi = b(0) == 0xED ? 0x9F : 0xBF;
    } else if (b(0) >= 0xF0 && b(0) <= 0xF4) {
        n = 4;
        lo = b(0) == 0xF0 ? 0x90 : 0x80;
        hi = b(0) == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
        if (b(i) < 0x80 || b(i) > 0xBF) return 0;
    }
    return n;
}

}  // namespace hyperoru::fuzz

/// Aborts with the failed condition when a fuzzed property does not hold.
#define FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::hyperoru::fuzz::property_violated(#condition, __FILE__, __LINE__))
