#include "app/policy_plan_command.hpp"

#include <iostream>
#include <memory>
#include <sstream>

#include "client/agent_client.hpp"

namespace ainode {

namespace {

// "power_limit 250W, locked_clocks 900-1410MHz"
std::string settings_text(const nlohmann::json& settings) {
  std::string out;
  for (const auto& [knob, value] : settings.items()) {
    if (!out.empty()) out += ", ";
    out += knob + " ";
    if (value.is_number()) {
      std::ostringstream watts;
      watts << value.get<double>() << "W";
      out += watts.str();
    } else if (value.is_object() && value.contains("min_mhz")) {
      out += value["min_mhz"].dump() + "-" + value["max_mhz"].dump() + "MHz";
    } else if (value.is_object() && value.contains("memory_mhz")) {
      out += "memory " + value["memory_mhz"].dump() + "MHz / graphics " + value["graphics_mhz"].dump() + "MHz";
    } else {
      out += value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return out.empty() ? "nothing" : out;
}

std::string condition_text(const nlohmann::json& condition) {
  std::string out;
  for (const auto& [name, value] : condition.items()) {
    if (!out.empty()) out += ", ";
    out += name + " = " + (value.is_null() ? std::string("unknown") : value.dump());
  }
  return out;
}

std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : ""; }

// What the GPU's state means the profile does next.
std::string plan_line(const nlohmann::json& gpu, const std::string& mode) {
  std::string state = text_of(gpu.value("state", nlohmann::json()));
  std::string next = text_of(gpu.value("next_change_at", nlohmann::json()));
  std::string desired = settings_text(gpu.value("desired", nlohmann::json::object()));
  std::string reason = text_of(gpu.value("reason", nlohmann::json()));
  bool dry = mode == "dry_run";
  std::string line;
  if (state == "idle") {
    line = "nothing: " + (reason.empty() ? std::string("the condition does not hold") : reason);
  } else if (state == "pending") {
    line = std::string(dry ? "would set " : "will set ") + desired + " at " + next + " if the condition keeps holding";
  } else if (state == "applied") {
    line = dry ? "would set " + desired + " now (dry run: nothing is changed)"
               : "holds " + settings_text(gpu.value("applied", nlohmann::json::object())) + " (wants " + desired + ")";
  } else if (state == "cooldown") {
    line = std::string(dry ? "would restore " : "will restore ") +
           settings_text(gpu.value("original", nlohmann::json::object())) + " at " + next +
           " unless the condition holds again";
  } else {
    line = state + ": " + reason;
  }
  if (state != "idle" && !reason.empty() && state != "backed_off" && state != "unsupported" && state != "error") {
    line += " [" + reason + "]";
  }
  std::string condition = condition_text(gpu.value("condition", nlohmann::json::object()));
  if (!condition.empty()) line += "\n      because " + condition;
  return line;
}

}  // namespace

std::string format_policy_plan(const nlohmann::json& policies) {
  std::ostringstream out;
  const auto& enforcement = policies.value("enforcement", nlohmann::json::object());
  if (enforcement.is_object() && !enforcement.value("available", true)) {
    out << "enforcement unavailable: " << text_of(enforcement.value("reason", nlohmann::json())) << "\n";
  }
  const auto& profiles = policies.value("profiles", nlohmann::json::array());
  if (profiles.empty()) out << "no profiles loaded from " << text_of(policies.value("directory", nlohmann::json())) << "\n";
  for (const auto& profile : profiles) {
    std::string mode = text_of(profile.value("mode", nlohmann::json()));
    out << text_of(profile.value("name", nlohmann::json())) << " (" << mode << ", priority "
        << profile.value("priority", 0) << ", " << text_of(profile.value("file", nlohmann::json())) << ")"
        << (profile.value("active", false) ? " active" : "") << "\n";
    const auto& gpus = profile.value("gpus", nlohmann::json::array());
    if (mode == "off") {
      out << "  off: not evaluated\n";
    } else if (gpus.empty()) {
      out << "  selects no GPU\n";
    }
    for (const auto& gpu : gpus) {
      out << "  GPU " << gpu.value("gpu", 0) << " " << text_of(gpu.value("uuid", nlohmann::json())) << ": "
          << plan_line(gpu, mode) << "\n";
    }
  }
  for (const auto& file : policies.value("files", nlohmann::json::array())) {
    for (const auto& error : file.value("errors", nlohmann::json::array())) {
      out << "error: " << text_of(error.value("text", nlohmann::json())) << "\n";
    }
  }
  return out.str();
}

int run_policy_plan(const PolicyPlanOptions& options) {
  AgentClientOptions client_options;
  client_options.url = options.url;
  client_options.token_file = options.token_file;
  std::unique_ptr<AgentClient> client;
  try {
    client = std::make_unique<AgentClient>(client_options);
  } catch (const std::exception& error) {
    std::cerr << "ainode policy plan: " << error.what() << "\n";
    return 2;
  }
  std::string url = client->base_url() + "/v1/policies";
  HttpResult answer = client->get("/v1/policies", std::chrono::seconds(10));
  if (!answer.error.empty()) {
    std::cerr << "ainode policy plan: " << url << ": " << answer.error << "\n";
    return 1;
  }
  long status = answer.status;
  const std::string& body = answer.body;
  if (status != 200) {
    std::cerr << "ainode policy plan: " << url << " answered " << status
              << (status == 404 ? " (an agent without the policy engine)" : "") << "\n";
    return 1;
  }
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    std::cerr << "ainode policy plan: " << url << " did not answer JSON\n";
    return 1;
  }
  if (options.json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << format_policy_plan(doc);
  }
  return 0;
}

}  // namespace ainode
