#pragma once
// The control API's built-in actions: GET /v1/control/whoami and
// POST /v1/control/reload (the same as SIGHUP).
#include <functional>

#include "app/config_reloader.hpp"
#include "control/control_api.hpp"
#include "events/event_bus.hpp"

namespace ainode {

// Runs a reload and publishes config_reloaded; the outcome as the control
// API reports and audits it. Shared by the HTTP route and SIGHUP.
ControlOutcome run_reload(ConfigReloader& reloader, EventBus& events, const CallerIdentity& caller);

void register_builtin_control_actions(ControlApi& api, ConfigReloader& reloader, EventBus& events);

}  // namespace ainode
