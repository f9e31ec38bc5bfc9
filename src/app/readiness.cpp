#include "app/readiness.hpp"

#include <algorithm>

namespace ainode {

Readiness readiness_of(const Snapshot& snapshot) {
  std::string failing;
  for (const auto& collector : snapshot.collectors) {
    bool core = std::find(kCoreCollectors.begin(), kCoreCollectors.end(), collector.name) != kCoreCollectors.end();
    if (!core || collector.success) continue;
    std::string why = collector.timed_out ? "timed out" : collector.last_error;
    failing += (failing.empty() ? "" : "; ") + collector.name + (why.empty() ? "" : ": " + why);
  }
  if (failing.empty()) return Readiness{true, ""};
  return Readiness{false, "core collectors failed in the latest cycle: " + failing};
}

}  // namespace ainode
