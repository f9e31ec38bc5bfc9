#pragma once
// /v1/status: the node summary and every collector's state, as JSON for
// people, the TUI and automation.
#include <chrono>
#include <string>

#include "core/snapshot.hpp"

namespace ainode {

std::string render_status_json(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                               std::chrono::system_clock::time_point start_time);

}  // namespace ainode
