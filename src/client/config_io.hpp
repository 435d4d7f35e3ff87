#pragma once
/// The seam between ConfigStore::update and the system calls that make a write durable.
///
/// A full disk, a failing fsync or a failing rename cannot be provoked reliably in a test (and
/// permission tricks do nothing when the tests run as root), so update() calls these three
/// through function pointers that a test may swap for failing versions. Production code never
/// changes them. Internal to the library: not installed, not part of the public API.
#include <sys/types.h>
#include <cstddef>

namespace hyperoru::detail {

struct ConfigFileOps {
    /// Writes the new config into the temp file; same contract as write(2).
    ssize_t (*write)(int fd, const void* data, std::size_t size);
    /// Flushes the temp file, and then the directory after the rename; same contract as fsync(2).
    int (*fsync)(int fd);
    /// Moves the temp file over config.json; same contract as rename(2).
    int (*rename)(const char* from, const char* to);
};

/// The operations update() uses; initially ::write, ::fsync and ::rename. Process-wide and not
/// synchronised: swap them only while no update() is running (tests do it between calls).
ConfigFileOps& config_file_ops() noexcept;

}  // namespace hyperoru::detail
