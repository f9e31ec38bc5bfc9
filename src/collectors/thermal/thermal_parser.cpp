#include "collectors/thermal/thermal_parser.hpp"

#include <limits>

#include "core/text.hpp"

namespace ainode {

double parse_millicelsius(std::string_view text) {
  constexpr double kMillidegreesPerDegree = 1000.0;
  return static_cast<double>(text::require_i64(text::trim(text), "thermal millidegrees")) / kMillidegreesPerDegree;
}

std::optional<int> thermal_zone_number(std::string_view entry) {
  constexpr std::string_view kPrefix = "thermal_zone";
  if (!entry.starts_with(kPrefix)) return std::nullopt;
  auto number = text::to_u64(entry.substr(kPrefix.size()));
  if (!number || *number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
  return static_cast<int>(*number);
}

}  // namespace ainode
