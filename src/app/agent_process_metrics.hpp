#pragma once
// The agent's own cost, as a person or the TUI asks for it ("what does this
// exporter cost me?"): CPU time, resident memory, threads and open
// descriptors of this process. Read from the agent's own /proc/self, not from
// --path.procfs (that is the host being observed, or a fixture tree).
#include <string>
#include <vector>

#include "core/metric.hpp"

namespace ainode {

std::vector<const MetricDesc*> agent_process_metric_descriptors();

// Adds the agent's own series; a /proc/self that cannot be read adds none.
void add_agent_process_metrics(MetricSet& out, const std::string& proc_self = "/proc/self");

}  // namespace ainode
