#include "config/collector_selection.hpp"

#include <string>

namespace ainode {

bool collector_enabled(const CollectConfig& collect, const CollectorSwitch& collector) {
  auto configured = collect.enabled.find(std::string(collector.name));
  if (configured != collect.enabled.end()) return configured->second;
  return collector.enabled_by_default && !collect.disable_defaults;
}

}  // namespace ainode
