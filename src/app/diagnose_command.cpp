#include "app/diagnose_command.hpp"

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/diagnose_checks.hpp"
#include "client/agent_client.hpp"

namespace ainode {

int run_diagnose_command(const DiagnoseCommandOptions& options) {
  AgentClientOptions client_options;
  client_options.url = options.url;
  client_options.token_file = options.token_file;
  client_options.ca_file = options.ca_file;
  client_options.insecure = options.insecure;
  std::unique_ptr<AgentClient> client;
  try {
    client = std::make_unique<AgentClient>(client_options);
  } catch (const std::exception& error) {
    std::cerr << "ainode diagnose: " << error.what() << "\n";
    return 2;
  }
  std::string url = client->base_url() + "/v1/control/diagnose";
  HttpResult answer = client->post("/v1/control/diagnose", "{}", std::chrono::seconds(10));
  // No agent: nothing here can vouch for the node, so it is a failure. The
  // command does not load NVML itself: the agent is what watches this node,
  // and an agent that is down is the first thing to fix.
  if (!answer.error.empty()) {
    std::cerr << "ainode diagnose: no agent answered at " << url << ": " << answer.error
              << "\n  start it (systemctl start ainode, or the DaemonSet's pod) or pass --url\n";
    return 2;
  }
  const std::string& body = answer.body;
  long status = answer.status;
  auto report = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || !report.is_object() || !report.contains("checks")) {
    std::string reason = report.is_object() ? report.value("error", body) : body;
    std::cerr << "ainode diagnose: " << url << ": HTTP " << status << ": " << reason << "\n";
    return 2;
  }
  for (const char* key : {"result", "request_id"}) report.erase(key);
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << diagnose_report_text(report);
  }
  std::string overall = report.value("status", "fail");
  return overall == "pass" ? 0 : overall == "warn" ? 1 : 2;
}

}  // namespace ainode
