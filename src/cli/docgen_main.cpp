// hyperoru_docgen OUT_DIR DATE: writes the man page and the shell completions, generated from the
// command tree, into OUT_DIR at build time (hyperoru.1, hyperoru.bash, _hyperoru, hyperoru.fish).
// DATE (YYYY-MM-DD) goes to the man page's title line. Not installed: cmake/Install.cmake installs
// what it writes.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/command_tree.hpp"
#include "cli/completion.hpp"
#include "cli/manpage.hpp"
#include "hyperoru/version.hpp"

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (file) return true;
    std::cerr << "hyperoru_docgen: cannot write " << path.string() << ": " << std::strerror(errno) << '\n';
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: hyperoru_docgen OUT_DIR DATE\n";
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        std::cerr << "hyperoru_docgen: cannot create " << dir.string() << ": " << error.message() << '\n';
        return 1;
    }
    const auto tree = hyperoru::cli::command_tree();
    const bool ok =
        write_file(dir / "hyperoru.1", hyperoru::cli::man_page(tree, hyperoru::k_version, argv[2])) &&
        write_file(dir / "hyperoru.bash", hyperoru::cli::bash_completion(tree)) &&
        write_file(dir / "_hyperoru", hyperoru::cli::zsh_completion(tree)) &&
        write_file(dir / "hyperoru.fish", hyperoru::cli::fish_completion(tree));
    return ok ? 0 : 1;
}
