#include "app/family_lookup.hpp"

#include <algorithm>

namespace ainode {

namespace {
std::optional<std::size_t> label_index(const MetricDesc& desc, std::string_view label) {
  auto found = std::find(desc.labels.begin(), desc.labels.end(), label);
  if (found == desc.labels.end()) return std::nullopt;
  return static_cast<std::size_t>(found - desc.labels.begin());
}
}  // namespace

const Family* find_family(std::span<const Family> families, std::string_view name) {
  for (const auto& family : families) {
    if (family.desc->name == name) return &family;
  }
  return nullptr;
}

std::optional<double> find_value(std::span<const Family> families, std::string_view name,
                                 std::initializer_list<LabelMatch> match) {
  const Family* family = find_family(families, name);
  if (family == nullptr) return std::nullopt;
  for (const auto& sample : family->samples) {
    bool matches = std::all_of(match.begin(), match.end(), [&](const LabelMatch& m) {
      auto index = label_index(*family->desc, m.first);
      return index && sample.label_values[*index] == m.second;
    });
    if (matches) return sample.value;
  }
  return std::nullopt;
}

std::optional<std::string_view> find_label(std::span<const Family> families, std::string_view name,
                                           std::string_view label) {
  const Family* family = find_family(families, name);
  if (family == nullptr || family->samples.empty()) return std::nullopt;
  auto index = label_index(*family->desc, label);
  if (!index) return std::nullopt;
  return family->samples.front().label_values[*index];
}

}  // namespace ainode
