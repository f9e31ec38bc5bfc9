#pragma once
// Reading single values back out of collected families, for derived values
// (node summary, health score) that combine several collectors.
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "core/metric.hpp"

namespace ainode {

using LabelMatch = std::pair<std::string_view, std::string_view>;

const Family* find_family(std::span<const Family> families, std::string_view name);

// Value of the first sample of `name` whose labels include all of `match`.
std::optional<double> find_value(std::span<const Family> families, std::string_view name,
                                 std::initializer_list<LabelMatch> match = {});

// Label `label` of the first sample of `name` (for *_info series).
std::optional<std::string_view> find_label(std::span<const Family> families, std::string_view name,
                                           std::string_view label);

}  // namespace ainode
