#pragma once
// The recommended action of a GPU failure risk, in increasing order of what
// it asks of an operator: keep watching, stop scheduling new work on it
// (drain), reset it (after draining), replace it (RMA).
#include <optional>
#include <string_view>

namespace ainode {

enum class RiskAction { none, watch, drain, reset, rma };

std::string_view to_string(RiskAction action);
std::optional<RiskAction> parse_risk_action(std::string_view text);

}  // namespace ainode
