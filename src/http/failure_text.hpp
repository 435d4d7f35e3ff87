#pragma once
// The text of a transport failure: our summary of its kind, then libcurl's detail.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace hyperoru::http {

/// "<summary>: <detail>", or the detail alone (first letter in lower case) when it already starts
/// with the summary (the summary alone when there is no detail): never "could not resolve host: Could not
/// resolve host: ...".
inline std::string summarised(std::string_view summary, std::string detail) {
    if (detail.empty()) return std::string(summary);
    const bool repeats =
        detail.size() >= summary.size() &&
        std::equal(summary.begin(), summary.end(), detail.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    if (!repeats) return std::string(summary) + ": " + detail;
    detail[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(detail[0])));
    return detail;
}

}  // namespace hyperoru::http
