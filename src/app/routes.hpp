#pragma once
// URL routing for the agent's HTTP API: /metrics (configurable), /healthz,
// /readyz, /v1/status (and /status), and a small index page.
#include <chrono>
#include <string>

#include "app/snapshot_store.hpp"
#include "http/server.hpp"

namespace ainode {

struct RouteOptions {
  std::string telemetry_path = "/metrics";
  std::chrono::system_clock::time_point start_time;
  // Its web config status goes into /v1/status ("web"); null = omitted.
  const HttpServer* server = nullptr;
};

HttpHandler make_routes(const SnapshotStore& store, RouteOptions options);

// True when an Accept-Encoding header accepts gzip (and does not refuse it with q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace ainode
