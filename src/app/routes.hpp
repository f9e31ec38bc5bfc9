#pragma once
// URL routing for the agent's HTTP API: /metrics (configurable), /healthz,
// /readyz, /v1/status (and /status), and a small index page.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "app/snapshot_store.hpp"
#include "http/server.hpp"

namespace ainode {

struct RouteOptions {
  std::string telemetry_path = "/metrics";
  std::chrono::system_clock::time_point start_time;
};

HttpHandler make_routes(const SnapshotStore& store, RouteOptions options);

// Every path answered besides the telemetry path. Each must be reserved
// (config/reserved_paths.hpp) so --web.telemetry-path cannot shadow it.
const std::vector<std::string_view>& builtin_routes();

// True when an Accept-Encoding header accepts gzip (and does not refuse it with q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace ainode
