#include "core/state_dir.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace ainode {

namespace {

// Creates `path` (0700: the buffer holds every metric of the node) and
// checks that this process may write there; returns the error otherwise.
std::optional<std::string> make_writable(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return path + ": " + error.message();
  std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace,
                               error);
  if (::access(path.c_str(), W_OK | X_OK) != 0) return path + ": not writable";
  return std::nullopt;
}

}  // namespace

StateDir resolve_state_dir(const std::string& configured, const std::string& system_default) {
  if (!configured.empty()) {
    if (auto error = make_writable(configured)) return {"", *error};
    return {configured, ""};
  }
  auto system_error = make_writable(system_default);
  if (!system_error) return {system_default, ""};
  std::string fallback;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg == '/') {
    fallback = std::string(xdg) + "/ainode";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    fallback = std::string(home) + "/.local/state/ainode";
  } else {
    return {"", *system_error + "; no XDG_STATE_HOME or HOME to fall back to"};
  }
  if (auto error = make_writable(fallback)) return {"", *system_error + "; " + *error};
  return {fallback, *system_error + "; using " + fallback};
}

}  // namespace ainode
