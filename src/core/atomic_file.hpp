#pragma once
// Small state files that must survive a crash whole or not at all (DESIGN.md:
// the state directory): write a temporary next to the file, fsync it, rename
// it over the old one and fsync the directory.
#include <optional>
#include <string>

namespace ainode {

// nullopt on success, else what failed (the path and errno's words).
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content);

// Moves an unusable file out of the way (PATH.corrupt-<unix seconds>) so the
// next write starts afresh and a person can still read what was there.
// Returns the new name, or "" when the rename failed.
std::string set_file_aside(const std::string& path);

}  // namespace ainode
