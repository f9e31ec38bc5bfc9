#pragma once
// GET /v1/query_range?metric=NAME&<label>=<value>...&start=&end=&step=
// over the buffer's history, for the TUI's sparklines and RCA/risk history.
// The answer has the shape of Prometheus' /api/v1/query_range (a matrix), so
// the same client code reads both; matchers are exact label equality.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "buffer/stored_cycle.hpp"
#include "http/query_string_parser.hpp"

namespace ainode {

struct QueryRange {
  std::string metric;
  std::map<std::string, std::string> matchers;
  std::int64_t start_ms = 0, end_ms = 0, step_ms = 0;
};

inline constexpr std::int64_t kMaxQueryPoints = 11'000;  // per series, as Prometheus
inline constexpr std::int64_t kLookbackMs = 5 * 60 * 1000;  // a step takes the newest sample this recent

// start/end: Unix seconds (fractions allowed); step: seconds or a duration
// ("15s"). Defaults: end = now, start = end - 1h, step = (end-start)/250.
// Returns the query or an error message for a 400.
std::variant<QueryRange, std::string> parse_query_range(const QueryParameters& parameters, std::int64_t now_ms);

// Evaluates over cycles (any order) at start, start+step, ... <= end.
nlohmann::json evaluate_query_range(const QueryRange& query, const std::vector<StoredCycle>& cycles);

}  // namespace ainode
