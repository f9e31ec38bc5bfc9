#pragma once
// Choosing which processes to export: the top N by recent CPU use and the
// top N by resident memory, so cardinality is at most 2N series per metric.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "collectors/processes/pid_stat_parser.hpp"

namespace ainode {

// Identity that survives pid reuse.
using ProcessKey = std::pair<std::int64_t, std::uint64_t>;  // pid, start time

// Indices into `processes` of the union of both rankings, ordered by pid.
// CPU is ranked by ticks used since `previous` (cumulative ticks for
// processes not seen before); ties go to the lower pid.
std::vector<std::size_t> select_top_processes(const std::vector<PidStat>& processes,
                                              const std::map<ProcessKey, std::uint64_t>& previous_cpu_ticks,
                                              std::size_t top_n);

}  // namespace ainode
