#pragma once
// The one place that lists the built-in collectors (DESIGN.md §6: explicit
// wiring, no static self-registration).
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

struct CollectorFactory {
  std::string_view name;
  std::string_view description;
  bool enabled_by_default;
  std::function<std::unique_ptr<Collector>(const Config&)> make;
};

const std::vector<CollectorFactory>& builtin_collectors();

// The enabled collectors for this configuration, in registration order.
std::vector<std::unique_ptr<Collector>> make_enabled_collectors(const Config& config);

}  // namespace ainode
