#pragma once
// Plain metric data passed from collectors to renderers (docs/architecture.md).
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/label_values.hpp"

namespace ainode {

enum class MetricType { counter, gauge };

// One entry of the metric catalogue. Descriptors are defined once, as
// constants next to the collector that emits them, and registered in the
// catalogue; renderers and docs/metrics.md read name, type, unit and help
// from here and nowhere else.
struct MetricDesc {
  std::string_view name;  // full sample name, e.g. "ainode_cpu_seconds_total"
  MetricType type;
  std::string_view unit;  // OpenMetrics unit ("bytes", "seconds", ...) or ""
  std::string_view help;
  std::vector<std::string_view> labels = {};  // label names, in sample order

  // OpenMetrics family name: counters drop the "_total" suffix.
  std::string_view family_name() const;
};

struct Sample {
  LabelValues label_values;  // same order as MetricDesc::labels
  double value = 0;
};

struct Family {
  const MetricDesc* desc = nullptr;
  std::vector<Sample> samples;
};

// What a collector hands back: families in the order they were first added.
class MetricSet {
 public:
  // Throws std::logic_error when the number of label values does not match
  // the descriptor: that is a programming error, caught at the collector
  // boundary and counted like any other failure.
  void add(const MetricDesc& desc, std::initializer_list<std::string_view> label_values, double value);
  void add(const MetricDesc& desc, std::span<const std::string> label_values, double value);
  void add(const MetricDesc& desc, double value) { add(desc, {}, value); }

  const std::vector<Family>& families() const { return families_; }
  std::vector<Family>& families() { return families_; }
  const Family* find(std::string_view name) const;
  bool empty() const { return families_.empty(); }

 private:
  Family& family_for(const MetricDesc& desc, std::size_t label_count);
  std::vector<Family> families_;
};

}  // namespace ainode
