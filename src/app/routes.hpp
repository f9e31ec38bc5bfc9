#pragma once
// URL routing for the agent's HTTP API: /metrics (configurable), /healthz,
// /readyz, /v1/status (and /status), /v1/events, /v1/control/*, and a small
// index page.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/snapshot_store.hpp"
#include "control/control_api.hpp"
#include "events/event_stream.hpp"
#include "buffer/buffer.hpp"
#include "http/server.hpp"

namespace ainode {

struct RouteOptions {
  std::string telemetry_path = "/metrics";
  std::chrono::system_clock::time_point start_time;
  // Its web config status goes into /v1/status ("web"); null = omitted.
  const HttpServer* server = nullptr;
  // /v1/events, /v1/events/recent and /v1/control/* are served when these
  // are set; they must outlive the server.
  EventBus* events = nullptr;
  EventStreamStats* event_stream_stats = nullptr;
  EventStreamOptions event_stream_options{};
  ControlApi* control = nullptr;
  Buffer* buffer = nullptr;  // /v1/query_range reads it; null = buffer disabled
  // Read-only JSON endpoints of the automation half (/v1/rca, /v1/policies,
  // ...), answered for GET and HEAD by the reader that owns the data. Each
  // path must also be listed in builtin_routes() so it is reserved.
  std::map<std::string, std::function<nlohmann::json(const HttpRequest&)>, std::less<>> json_views{};
  // Readers that add their view of a GPU to its /v1/gpus object (failure
  // risk adds "risk"); each gets one GPU object (with "uuid") at a time.
  std::vector<std::function<void(nlohmann::json& gpu)>> gpu_annotators{};
};

HttpHandler make_routes(const SnapshotStore& store, RouteOptions options);

// Every path answered besides the telemetry path. Each must be reserved
// (config/reserved_paths.hpp) so --web.telemetry-path cannot shadow it.
const std::vector<std::string_view>& builtin_routes();

// True when an Accept-Encoding header accepts gzip (and does not refuse it with q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace ainode
