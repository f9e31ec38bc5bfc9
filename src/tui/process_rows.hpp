#pragma once
// The processes screen's rows: GPU processes (from the GPU list) joined with
// the agent's top CPU/RSS processes (from /metrics) by pid, then filtered
// and sorted as the person asked. Pure, tested on hand-made state.
#include <optional>
#include <string>
#include <vector>

#include "tui/agent_state.hpp"
#include "tui/view_state.hpp"

namespace ainode::tui {

struct ProcessRow {
  unsigned pid = 0;
  std::string name;
  std::vector<unsigned> gpus;               // GPUs it has memory on
  std::optional<double> gpu_memory_bytes;   // summed over them
  std::optional<double> sm_ratio;           // highest SM share on one GPU
  std::optional<double> cpu_ratio;          // cores busy (1.0 = one core), between two refreshes
  std::optional<double> resident_bytes;
  std::string namespace_name, pod, container;
};

std::vector<ProcessRow> process_rows(const AgentState& agent);
// Case-insensitive substring of pid, name, namespace, pod or container.
bool process_matches(const ProcessRow& row, const std::string& filter);
void sort_processes(std::vector<ProcessRow>& rows, ProcessSort sort);
const char* sort_name(ProcessSort sort);

}  // namespace ainode::tui
