#pragma once
// Whether a collector runs: one rule, read by the agent's wiring and by
// `config show`, so what the configuration says and what runs never differ.
#include <string_view>

#include "config/config.hpp"

namespace ainode {

// A collector as the configuration layer knows it: its name and whether it
// runs when nothing says otherwise (bmc, for one, does not).
struct CollectorSwitch {
  std::string_view name;
  bool enabled_by_default = true;
};

// An explicit collectors.<name> wins; otherwise the collector's default,
// unless collect.disable_defaults turns every default off.
bool collector_enabled(const CollectConfig& collect, const CollectorSwitch& collector);

}  // namespace ainode
