#pragma once
// GET /v1/events (Server-Sent Events) and GET /v1/events/recent (JSON) over
// the bus. Each SSE client is one bus subscription feeding its own bounded
// queue in the HTTP server; filters run before anything is queued.
#include <atomic>
#include <chrono>
#include <cstdint>

#include "events/event_bus.hpp"
#include "http/server.hpp"

namespace ainode {

struct EventStreamStats {
  std::atomic<std::uint64_t> clients{0};
  std::atomic<std::uint64_t> clients_dropped{0};  // fell behind: queue full or write timeout
};

struct EventStreamOptions {
  std::chrono::milliseconds heartbeat_interval{15000};
  std::size_t max_queued_bytes = 256 * 1024;
  std::chrono::milliseconds write_timeout{10000};
};

HttpResponse event_stream_response(EventBus& bus, const HttpRequest& request, EventStreamStats& stats,
                                   const EventStreamOptions& options);
HttpResponse recent_events_response(const EventBus& bus, const HttpRequest& request);

}  // namespace ainode
