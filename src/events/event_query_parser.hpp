#pragma once
// The query of GET /v1/events and /v1/events/recent:
//   types=gpu_xid,gpu_throttle_start   only these types
//   severity=warning                   this severity or worse
//   last_event_id=N                    resume after event N (also the Last-Event-ID header)
//   limit=N                            /v1/events/recent: at most N events
// Pure, tested on strings and fuzzed.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "events/severity.hpp"

namespace ainode {

struct EventQuery {
  std::set<std::string, std::less<>> types;  // empty = every type
  Severity min_severity = Severity::info;
  std::optional<std::uint64_t> last_event_id;
  std::optional<std::size_t> limit;

  bool matches(std::string_view type, Severity severity) const {
    return severity >= min_severity && (types.empty() || types.contains(type));
  }
};

struct EventQueryResult {
  EventQuery query;
  std::string error;  // "" when valid; else names the parameter and what is wrong
};

// `target` is the request target (path and query); `last_event_id_header`
// the Last-Event-ID header's value ("" when absent). The query parameter
// wins over the header, since a client that sets it means it.
EventQueryResult parse_event_query(std::string_view target, std::string_view last_event_id_header);

}  // namespace ainode
