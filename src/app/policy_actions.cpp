#include "app/policy_actions.hpp"

namespace ainode {

PolicyControllerOptions policy_controller_options(const Config& config, const HostFs& fs, const std::string& state_dir) {
  PolicyControllerOptions options;
  options.directory = config.policy.dir;
  options.state_dir = state_dir;
  // Changes with every boot: a record from another boot describes a setting
  // the reboot has already reset.
  options.boot_id = HostFs::try_read_line(fs.proc("sys/kernel/random/boot_id")).value_or("");
  if (config.power.node_envelope_watts > 0) options.envelope_watts = static_cast<double>(config.power.node_envelope_watts);
  return options;
}

void register_policy_control_actions(ControlApi& api, PolicyController& policies) {
  api.add_action("/v1/control/policies/{name}/mode",
                 ControlAction{"POST", "policy_mode", true, [&policies](const ControlCall& call) {
                                 const auto& p = call.parameters;
                                 if (!p.contains("mode") || !p["mode"].is_string()) {
                                   ControlOutcome outcome;
                                   outcome.status = 400;
                                   outcome.result = "failed";
                                   outcome.reason = "the body must be {\"mode\":\"off|dry_run|enforce\"}";
                                   return outcome;
                                 }
                                 return policies.set_mode(p["name"].get<std::string>(), p["mode"].get<std::string>());
                               }});
  api.add_action("/v1/control/policies/reload",
                 ControlAction{"POST", "policy_reload", true, [&policies](const ControlCall&) { return policies.reload(); }});
}

}  // namespace ainode
