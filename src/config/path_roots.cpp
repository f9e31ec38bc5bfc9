#include "config/path_roots.hpp"

#include <filesystem>
#include <system_error>

namespace ainode {

namespace {

std::string origin_prefix(const Setting& setting, const LoadedConfig& loaded) {
  auto origin = loaded.origins.find(setting.key);
  if (origin == loaded.origins.end()) return setting.key + " (default): ";
  switch (origin->second.source) {
    case ValueSource::flag: return "flag " + origin->second.where + ": ";
    case ValueSource::environment: return "environment variable " + origin->second.where + " (" + setting.key + "): ";
    case ValueSource::file: return origin->second.where + ": " + setting.key + ": ";
    case ValueSource::default_value: break;
  }
  return setting.key + ": ";
}

}  // namespace

std::optional<std::string> check_path_roots(const std::vector<Setting>& settings, const LoadedConfig& loaded) {
  const PathConfig& paths = loaded.config.path;
  const std::pair<const char*, const std::string*> roots[] = {
      {"path.procfs", &paths.procfs}, {"path.sysfs", &paths.sysfs}, {"path.rootfs", &paths.rootfs}};
  for (const auto& [key, path] : roots) {
    std::error_code error;
    if (std::filesystem::is_directory(*path, error)) continue;
    const Setting* setting = find_setting(settings, key);
    std::string prefix = setting ? origin_prefix(*setting, loaded) : std::string(key) + ": ";
    std::string why = !error                                          ? "not a directory"
                      : error == std::errc::no_such_file_or_directory ? "does not exist"
                                                                      : error.message();
    return prefix + "'" + *path + "': " + why;
  }
  return std::nullopt;
}

}  // namespace ainode
