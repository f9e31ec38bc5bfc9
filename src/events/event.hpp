#pragma once
// One event on the bus: something changed state on the node or in the agent
// (a GPU started throttling, a collector failed, an operator reloaded the
// configuration). Events are derived on the change, never re-sent each cycle.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "events/severity.hpp"

namespace ainode {


// What the event is about; empty fields are left out of the JSON.
struct EventSubject {
  std::optional<unsigned> gpu;  // agent's GPU index
  std::string uuid;
  std::string collector;
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::string profile;  // policy profile
};

// What a producer hands to EventBus::publish; the bus adds id and time.
struct EventDraft {
  std::string type;  // e.g. "gpu_xid", "collector_failed"
  Severity severity = Severity::info;
  EventSubject subject;
  std::string message;  // one readable line
  nlohmann::json payload = nlohmann::json::object();
};

struct Event {
  std::uint64_t id = 0;  // monotonic per agent process, from 1
  std::chrono::system_clock::time_point time;
  EventDraft draft;
  // Rendered once at publish: every subscriber sends the same bytes.
  std::string json;  // one line, no trailing newline
  std::string sse;   // "id: N\nevent: TYPE\ndata: JSON\n\n"
};

// Fills json and sse from the other fields.
void render_event(Event& event);
nlohmann::json event_to_json(const Event& event);

// RFC 3339 UTC with milliseconds: 2026-12-01T23:07:22.123Z
std::string rfc3339(std::chrono::system_clock::time_point time);
// The inverse, for "YYYY-MM-DDTHH:MM:SS[.fff]Z" (what rfc3339 writes).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace ainode
