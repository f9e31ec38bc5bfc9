#pragma once
// The metric catalogue: every metric ainode can emit, gathered from the
// built-in collectors' descriptors and ainode's own. docs/metrics.md is
// generated from it (`ainode catalogue`), and a test holds every entry to
// the naming rules of docs/architecture.md.
#include <string>
#include <string_view>
#include <vector>

#include "core/metric.hpp"

namespace ainode {

struct CatalogueEntry {
  std::string_view collector;  // "ainode" for the agent's own metrics
  const MetricDesc* desc;
};

std::vector<CatalogueEntry> metric_catalogue();

std::string catalogue_markdown(const std::vector<CatalogueEntry>& entries);

// Naming-rule violations, one message each (empty when clean).
std::vector<std::string> catalogue_problems(const std::vector<CatalogueEntry>& entries);

}  // namespace ainode
