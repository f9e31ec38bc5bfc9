#pragma once
// Reload (SIGHUP or POST /v1/control/reload): re-read the configuration and
// apply what can change while running, all or nothing. A configuration that
// does not load, or a token file that cannot be read, leaves everything as it
// was and says why. Keys that only take effect at start are reported as
// restart_required rather than silently ignored.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ainode {

struct ReloadResult {
  bool ok = false;
  std::string error;                          // why nothing was applied
  std::vector<std::string> applied;           // keys whose new value is now in force
  std::vector<std::string> restart_required;  // keys that changed but need a restart
};

// One live-reloadable part of the agent: `prepare` validates the new
// configuration and returns a function that applies it (so every part is
// checked before any is changed), or throws std::runtime_error.
struct ReloadTarget {
  std::vector<std::string> keys;  // configuration keys it applies
  std::function<std::function<void()>(const Config& next)> prepare;
};

class ConfigReloader {
 public:
  using Loader = std::function<LoadedConfig()>;  // throws ConfigError
  ConfigReloader(const std::vector<Setting>& settings, Config running, Loader loader);

  void add_target(ReloadTarget target);
  ReloadResult reload();
  Config running() const;

 private:
  const std::vector<Setting>& settings_;
  Loader loader_;
  std::vector<ReloadTarget> targets_;
  mutable std::mutex mutex_;
  const Config started_;
  Config running_;  // the last configuration loaded (live keys in force)
};

}  // namespace ainode
