#include "app/builtin_collectors.hpp"

namespace ainode {

const std::vector<CollectorFactory>& builtin_collectors() {
  static const std::vector<CollectorFactory> factories = {
  };
  return factories;
}

std::vector<std::unique_ptr<Collector>> make_enabled_collectors(const Config& config) {
  std::vector<std::unique_ptr<Collector>> collectors;
  for (const auto& factory : builtin_collectors()) {
    auto configured = config.collect.enabled.find(std::string(factory.name));
    bool enabled = configured != config.collect.enabled.end() ? configured->second : factory.enabled_by_default;
    if (enabled) collectors.push_back(factory.make(config));
  }
  return collectors;
}

}  // namespace ainode
