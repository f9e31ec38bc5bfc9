#include "app/control_actions.hpp"

#include <spdlog/spdlog.h>

namespace ainode {

ControlOutcome run_reload(ConfigReloader& reloader, EventBus& events, const CallerIdentity& caller) {
  ReloadResult result = reloader.reload();
  ControlOutcome outcome;
  outcome.body = {{"applied", result.applied}, {"restart_required", result.restart_required}};
  outcome.after = outcome.body;
  EventDraft event;
  event.type = "config_reloaded";
  event.payload = {{"ok", result.ok},
                   {"applied", result.applied},
                   {"restart_required", result.restart_required},
                   {"by", std::string(to_string(caller.method))}};
  if (result.ok) {
    event.severity = result.restart_required.empty() ? Severity::info : Severity::warning;
    event.message = result.applied.empty() && result.restart_required.empty()
                        ? std::string("configuration reloaded: no key changed (files it names were re-read)")
                        : "configuration reloaded: " + std::to_string(result.applied.size()) + " applied, " +
                              std::to_string(result.restart_required.size()) + " need a restart";
    spdlog::info("{}", event.message);
    for (const auto& key : result.restart_required) spdlog::warn("reload: {} changed; it takes effect at restart", key);
  } else {
    outcome.status = 422;
    outcome.result = "failed";
    outcome.reason = "configuration not reloaded, the previous one stays in force: " + result.error;
    event.severity = Severity::warning;
    event.message = outcome.reason;
    event.payload["error"] = result.error;
    spdlog::warn("{}", outcome.reason);
  }
  events.publish(std::move(event));
  return outcome;
}

void register_builtin_control_actions(ControlApi& api, ConfigReloader& reloader, EventBus& events) {
  api.add_action("/v1/control/whoami", ControlAction{"GET", "whoami", false, [](const ControlCall& call) {
                                                      ControlOutcome outcome;
                                                      outcome.body = {{"method", to_string(call.identity.method)},
                                                                      {"subject", call.identity.subject},
                                                                      {"peer", call.identity.peer}};
                                                      return outcome;
                                                    }});
  api.add_action("/v1/control/reload", ControlAction{"POST", "reload", true, [&reloader, &events](const ControlCall& call) {
                                                      return run_reload(reloader, events, call.identity);
                                                    }});
}

}  // namespace ainode
