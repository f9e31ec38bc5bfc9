#pragma once
// One event as a person reads it on a terminal (`ainode events`):
//   2026-12-01T23:28:55.452Z  critical  gpu_xid          GPU 0  XID 79 (GPU has fallen off the bus); ...
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ainode {

std::string format_event_line(const nlohmann::json& event);

}  // namespace ainode
