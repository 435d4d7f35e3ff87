// The replay program of a fuzz target (fmt's test/fuzzing layout): runs LLVMFuzzerTestOneInput
// over files, so any compiler and any preset replays the committed corpus and every past crash
// as an ordinary test. A violated property aborts, which fails the test.
//
//   fuzz_replay_<name> FILE_OR_DIRECTORY...
// A directory contributes every regular file inside it (not recursively), in name order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& path, std::vector<fs::path>& files) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> inside;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            if (entry.is_regular_file()) inside.push_back(entry.path());
        }
        if (ec) return false;
        std::sort(inside.begin(), inside.end());
        files.insert(files.end(), inside.begin(), inside.end());
        return true;
    }
    if (fs::is_regular_file(path, ec)) {
        files.push_back(path);
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " FILE_OR_DIRECTORY...\n";
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        if (!collect(argv[i], files)) {
            std::cerr << argv[0] << ": cannot read " << argv[i] << '\n';
            return 1;
        }
    }
    for (const auto& file : files) {
        // Named before it runs: when a property aborts, the last line says which input did it.
        std::cout << "replay: " << file.string() << std::endl;
        std::ifstream in(file, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof()) {
            std::cerr << argv[0] << ": cannot read " << file.string() << '\n';
            return 1;
        }
        // A fresh copy of exactly `size` bytes, as libFuzzer hands them: reading past the end is
        // then an AddressSanitizer error here too.
        const auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
        std::copy(bytes.begin(), bytes.end(), copy.get());
        LLVMFuzzerTestOneInput(copy.get(), bytes.size());
    }
    std::cout << "replayed " << files.size() << " input" << (files.size() == 1 ? "" : "s") << '\n';
    return 0;
}
