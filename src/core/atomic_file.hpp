#pragma once
// Replacing a small state file so that a crash or power loss at any moment
// leaves either the old content or the new, never a torn file: write a
// temporary beside it, fsync it, rename it over, fsync the directory.
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

// nullopt on success, else what failed ("PATH: rename: No space left on device").
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content);

// The whole file; nullopt with `why` set when it cannot be read (`why` is
// empty when the file does not exist).
std::optional<std::string> read_small_file(const std::string& path, std::string& why);

// Moves an unusable file out of the way (PATH.corrupt-<unix seconds>) so the
// next write starts afresh and a person can still read what was there.
// Returns the new name, or "" when the rename failed.
std::string set_file_aside(const std::string& path);

}  // namespace ainode
