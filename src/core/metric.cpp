#include "core/metric.hpp"

#include <stdexcept>

namespace ainode {

std::string_view MetricDesc::family_name() const {
  constexpr std::string_view total = "_total";
  if (type == MetricType::counter && name.ends_with(total)) return name.substr(0, name.size() - total.size());
  return name;
}

Family& MetricSet::family_for(const MetricDesc& desc, std::size_t label_count) {
  if (label_count != desc.labels.size()) {
    throw std::logic_error("metric " + std::string(desc.name) + " expects " + std::to_string(desc.labels.size()) +
                           " labels, got " + std::to_string(label_count));
  }
  // Collectors add samples family by family, so the last family is almost
  // always the one wanted; the scan is only for interleaved adds.
  if (!families_.empty() && families_.back().desc == &desc) return families_.back();
  for (auto& family : families_) {
    if (family.desc == &desc) return family;
  }
  families_.push_back(Family{&desc, {}});
  return families_.back();
}

void MetricSet::add(const MetricDesc& desc, std::initializer_list<std::string_view> label_values, double value) {
  Family& family = family_for(desc, label_values.size());
  family.samples.push_back(Sample{LabelValues(label_values), value});
}

void MetricSet::add(const MetricDesc& desc, std::span<const std::string> label_values, double value) {
  Family& family = family_for(desc, label_values.size());
  family.samples.push_back(Sample{LabelValues(label_values), value});
}

const Family* MetricSet::find(std::string_view name) const {
  for (const auto& family : families_) {
    if (family.desc->name == name) return &family;
  }
  return nullptr;
}

}  // namespace ainode
