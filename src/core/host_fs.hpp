#pragma once
// Root-relative access to the host's /proc, /sys and / (docs/architecture.md), so the
// whole agent can run against a fixture tree. Collectors never open a host
// path directly; they ask HostFs.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// A file that exists but could not be read, or one that was required and is
// missing. The message names the path and the system error.
class IoError : public std::runtime_error {
 public:
  IoError(const std::filesystem::path& path, int error_number);
  int error_number() const { return error_number_; }

 private:
  int error_number_;
};

class HostFs {
 public:
  HostFs(std::filesystem::path procfs, std::filesystem::path sysfs, std::filesystem::path rootfs);

  // Paths below each root; `relative` may start with '/' or not.
  std::filesystem::path proc(std::string_view relative) const;
  std::filesystem::path sys(std::string_view relative) const;
  std::filesystem::path root(std::string_view relative) const;

  const std::filesystem::path& procfs() const { return procfs_; }
  const std::filesystem::path& sysfs() const { return sysfs_; }
  const std::filesystem::path& rootfs() const { return rootfs_; }

  // Whole file, at most kMaxFileBytes (kernel text files are far smaller;
  // the cap only protects against a hostile fixture or a runaway file).
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
  // Throws IoError when the file cannot be read.
  static std::string read(const std::filesystem::path& path);
  // nullopt when the file is missing or unreadable: for optional files.
  static std::optional<std::string> try_read(const std::filesystem::path& path);
  // The same for a path built as a string: no std::filesystem::path to
  // split into components (the processes collector reads ~150 a cycle).
  static std::optional<std::string> try_read_file(const std::string& path);
  // First line without the trailing newline; nullopt when unreadable.
  static std::optional<std::string> try_read_line(const std::filesystem::path& path);
  // A file holding one integer (most sysfs attributes); nullopt when
  // missing, unreadable or not an integer.
  static std::optional<std::int64_t> try_read_int(const std::filesystem::path& path);
  // Sorted entry names (not "." or ".."); empty when the directory is missing.
  static std::vector<std::string> list(const std::filesystem::path& dir);
  // Target of a symbolic link's last component; nullopt when not a link.
  static std::optional<std::string> link_target(const std::filesystem::path& path);

 private:
  std::filesystem::path procfs_;
  std::filesystem::path sysfs_;
  std::filesystem::path rootfs_;
};

}  // namespace ainode
