#include "tui/control_outcome.hpp"

#include <nlohmann/json.hpp>

namespace ainode::tui {

std::string describe_control_outcome(const std::string& what, const HttpResult& result) {
  if (result.ok()) return what + ": done";
  std::string reason = result.describe();
  // The control API answers {"error": "..."} (and "reason" for refused
  // actions): the agent's words beat the status line.
  auto body = nlohmann::json::parse(result.body, nullptr, false);
  if (body.is_object()) {
    for (const char* key : {"error", "reason"}) {
      auto found = body.find(key);
      if (found != body.end() && found->is_string() && !found->get<std::string>().empty()) {
        reason = "HTTP " + std::to_string(result.status) + ": " + found->get<std::string>();
        break;
      }
    }
  }
  if (result.status == 401 || result.status == 403) return what + ": refused (" + reason + ")";
  if (result.status == 404) return what + ": not available on this agent";
  return what + ": failed (" + reason + ")";
}

}  // namespace ainode::tui
