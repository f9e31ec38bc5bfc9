#include "core/state_dir.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ainode {

namespace {

constexpr const char* kDefault = "/var/lib/ainode";

bool usable(const std::string& path, std::string& why) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    why = path + ": " + error.message();
    return false;
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    why = path + ": not writable";
    return false;
  }
  return true;
}

}  // namespace

StateDirectory resolve_state_directory(const std::string& configured) {
  std::string why;
  if (!configured.empty()) {
    if (!usable(configured, why)) throw std::runtime_error("state.dir: " + why);
    return {configured, ""};
  }
  if (usable(kDefault, why)) return {kDefault, ""};
  std::string fallback;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
    fallback = std::string(xdg) + "/ainode";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    fallback = std::string(home) + "/.local/state/ainode";
  }
  std::string fallback_why;
  if (!fallback.empty() && usable(fallback, fallback_why)) return {fallback, "default " + why + "; using " + fallback};
  throw std::runtime_error("state.dir: " + why + (fallback_why.empty() ? "" : "; " + fallback_why) +
                           " (set state.dir to a writable directory)");
}

}  // namespace ainode
