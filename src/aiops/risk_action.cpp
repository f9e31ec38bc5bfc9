#include "aiops/risk_action.hpp"

#include <array>

namespace ainode {

namespace {
constexpr std::array<std::string_view, 5> kNames{"none", "watch", "drain", "reset", "rma"};
}

std::string_view to_string(RiskAction action) { return kNames[static_cast<std::size_t>(action)]; }

std::optional<RiskAction> parse_risk_action(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<RiskAction>(i);
  }
  return std::nullopt;
}

}  // namespace ainode
