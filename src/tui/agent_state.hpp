#pragma once
// Everything the TUI knows about the agent it watches: the last answer of
// each JSON endpoint (or why there is none), two /metrics frames for rates,
// and the recent events. Filled by the poller thread, copied out under its
// lock by the drawing thread; the screens read it and nothing else.
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include <nlohmann/json.hpp>

#include "tui/metric_frame.hpp"

namespace ainode::tui {

enum class EndpointStatus {
  unknown,        // not asked yet
  ok,
  not_available,  // 404: this agent does not serve it (an older build, a disabled feature)
  failed,         // any other answer or no answer
};

struct Endpoint {
  EndpointStatus status = EndpointStatus::unknown;
  nlohmann::json body;  // the last good answer, kept while a later request fails
  std::string error;    // why the last request failed
};

struct AgentState {
  std::string url;
  bool connected = false;
  bool ever_connected = false;
  std::string connection_error;  // "Connection refused" while the agent is away
  double interval_seconds = 1;   // the agent's cycle (from /v1/history), the refresh rate
  Endpoint status, gpus, history, pods, rca, policies, diagnose;
  MetricFrame metrics, previous_metrics;
  bool metrics_ok = false;
  std::deque<nlohmann::json> events;  // newest last, at most kMaxEvents
  bool events_live = false;           // the SSE stream is connected
  std::string action_message;          // the outcome of the last control request
  bool diagnose_running = false;
  std::uint64_t generation = 0;        // bumped on every change, to redraw only then

  static constexpr std::size_t kMaxEvents = 200;
};

}  // namespace ainode::tui
