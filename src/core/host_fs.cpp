#include "core/host_fs.hpp"

#include "core/kept_open_files.hpp"
#include "core/text.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ainode {

IoError::IoError(const std::filesystem::path& path, int error_number)
    : std::runtime_error(path.string() + ": " + std::strerror(error_number)), error_number_(error_number) {}

namespace {
std::filesystem::path join(const std::filesystem::path& base, std::string_view relative) {
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  return relative.empty() ? base : base / relative;
}

// Plain read(2), no streams (the hot path). Collector threads keep their per-cycle files open (core/kept_open_files);
// other threads open, read and close.
int read_all(const std::string& path, std::string& out) {
  if (auto* kept = KeptOpenFiles::for_this_thread()) return kept->read(path, out, HostFs::kMaxFileBytes);
  return read_whole_file(path, out, HostFs::kMaxFileBytes);
}
}  // namespace

HostFs::HostFs(std::filesystem::path procfs, std::filesystem::path sysfs, std::filesystem::path rootfs)
    : procfs_(std::move(procfs)), sysfs_(std::move(sysfs)), rootfs_(std::move(rootfs)) {}

std::filesystem::path HostFs::proc(std::string_view relative) const { return join(procfs_, relative); }
std::filesystem::path HostFs::sys(std::string_view relative) const { return join(sysfs_, relative); }
std::filesystem::path HostFs::root(std::string_view relative) const { return join(rootfs_, relative); }

std::string HostFs::read(const std::filesystem::path& path) {
  std::string out;
  if (int error = read_all(path.native(), out); error != 0) throw IoError(path, error);
  return out;
}

std::optional<std::string> HostFs::try_read(const std::filesystem::path& path) { return try_read_file(path.native()); }

std::optional<std::string> HostFs::try_read_file(const std::string& path) {
  std::string out;
  if (read_all(path, out) != 0) return std::nullopt;
  return out;
}

std::optional<std::string> HostFs::try_read_line(const std::filesystem::path& path) {
  auto text = try_read(path);
  if (!text) return std::nullopt;
  auto end = text->find('\n');
  if (end != std::string::npos) text->resize(end);
  return text;
}

std::optional<std::int64_t> HostFs::try_read_int(const std::filesystem::path& path) {
  auto line = try_read_line(path);
  if (!line) return std::nullopt;
  return text::to_i64(text::trim(*line));
}

std::vector<std::string> HostFs::list(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (const dirent* entry = ::readdir(handle)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> HostFs::link_target(const std::filesystem::path& path) {
  char buffer[4096];
  ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
  if (n < 0) return std::nullopt;
  return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace ainode
