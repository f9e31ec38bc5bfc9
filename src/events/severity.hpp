#pragma once
// Event severities, ordered: a filter "warning" keeps warning and critical.
#include <optional>
#include <string_view>

namespace ainode {

enum class Severity { info = 0, warning = 1, critical = 2 };

inline std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: break;
  }
  return "critical";
}

inline std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "info") return Severity::info;
  if (text == "warning") return Severity::warning;
  if (text == "critical") return Severity::critical;
  return std::nullopt;
}

}  // namespace ainode
