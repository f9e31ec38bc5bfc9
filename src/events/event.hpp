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

// What the bus keeps, replays and sends: the rendered form only. The draft's
// structured fields reach the listeners at publish (EventBus::Listener) and
// are not kept: with them a full ring of 4,096 twin events held ~6.5 MB, as
// rendered bytes alone ~1.4 MB (bench/RESULTS.md, soak); the ring now packs
// all but its newest events into deflated blocks (events/event_ring.hpp).
struct Event {
  std::uint64_t id = 0;  // monotonic per agent process, from 1
  std::chrono::system_clock::time_point time;
  Severity severity = Severity::info;
  // Rendered once at publish: every subscriber sends the same bytes.
  std::string sse;  // "id: N\nevent: TYPE\ndata: JSON\n\n"

  std::string_view type() const { return std::string_view(sse).substr(type_begin, type_size); }
  // One line of JSON, no trailing newline (the `data:` field of sse).
  std::string_view json() const { return std::string_view(sse).substr(json_begin, json_size); }

  // Where type and json lie in sse (set by render_event).
  std::uint32_t type_begin = 0, type_size = 0, json_begin = 0, json_size = 0;
};

// The event with id `id` at `time` made from `draft`, rendered.
Event render_event(std::uint64_t id, std::chrono::system_clock::time_point time, const EventDraft& draft);

// RFC 3339 UTC with milliseconds: 2026-12-01T23:07:22.123Z
std::string rfc3339(std::chrono::system_clock::time_point time);
// The inverse, for "YYYY-MM-DDTHH:MM:SS[.fff]Z" (what rfc3339 writes).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace ainode
