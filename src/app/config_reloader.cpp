#include "app/config_reloader.hpp"

#include <algorithm>
#include <stdexcept>

namespace ainode {

ConfigReloader::ConfigReloader(const std::vector<Setting>& settings, Config running, Loader loader)
    : settings_(settings), loader_(std::move(loader)), started_(running), running_(std::move(running)) {}

void ConfigReloader::add_target(ReloadTarget target) { targets_.push_back(std::move(target)); }

Config ConfigReloader::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

ReloadResult ConfigReloader::reload() {
  std::lock_guard lock(mutex_);
  ReloadResult result;
  LoadedConfig loaded;
  try {
    loaded = loader_();
  } catch (const ConfigError& error) {
    result.error = error.what();
    return result;
  }
  const Config& next = loaded.config;
  std::vector<std::function<void()>> commits;
  try {
    for (const auto& target : targets_) commits.push_back(target.prepare(next));
  } catch (const std::exception& error) {
    result.error = error.what();
    return result;
  }
  // Every part accepted the new configuration: apply them all. Live keys
  // are compared with the last applied configuration; the others with the
  // one the agent started with, since that is what still runs.
  for (auto& commit : commits) {
    if (commit) commit();
  }
  for (const Setting& setting : settings_) {
    bool live = std::any_of(targets_.begin(), targets_.end(), [&](const ReloadTarget& target) {
      return std::find(target.keys.begin(), target.keys.end(), setting.key) != target.keys.end();
    });
    const Config& reference = live ? running_ : started_;
    if (setting.show(reference) == setting.show(next)) continue;
    (live ? result.applied : result.restart_required).push_back(setting.key);
  }
  running_ = next;
  result.ok = true;
  return result;
}

}  // namespace ainode
