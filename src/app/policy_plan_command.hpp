#pragma once
// `ainode policy plan [--url] [--json]`: what each profile of a running
// agent would do now and why, from its GET /v1/policies: per GPU the state
// (idle, pending, applied, cooldown, backed off, ...), the condition values
// it was decided on, what it sets or would set, and when it can next change.
#include <string>

#include <nlohmann/json.hpp>

namespace ainode {

struct PolicyPlanOptions {
  std::string url = "http://127.0.0.1:9100";
  bool json = false;
  std::string token_file;  // bearer token, for an agent behind an authenticating proxy
};

// Exit status: 0, 1 when the agent cannot be reached or answers no plan, 2 for bad options.
int run_policy_plan(const PolicyPlanOptions& options);

// The readable plan of one /v1/policies document (pure, tested on strings).
std::string format_policy_plan(const nlohmann::json& policies);

}  // namespace ainode
