#pragma once
// Readings the simulator answers through two entry points: the classic call
// and nvmlDeviceGetFieldValues. One formula each, so both always agree.
#include "nvml_sim/sim_state.hpp"

namespace ainode::sim {

unsigned long long ecc_total(const SimGpu& g, double t, nvmlMemoryErrorType_t type, nvmlEccCounterType_t counter);
unsigned retired_pages(const SimGpu& g, double t, nvmlPageRetirementCause_t cause);
bool retirement_pending(const SimGpu& g, double t);
unsigned pcie_replays(const SimGpu& g, double t);
unsigned long long nvlink_errors(const SimGpu& g, double t, unsigned link, nvmlNvLinkErrorCounter_t counter);
unsigned long long energy_millijoules(SimGpu& g, double t);

struct RemapState {
  unsigned correctable = 0, uncorrectable = 0;
  bool pending = false, failure = false;
};
RemapState remap_state(const SimGpu& g, double t);
// Banks by spare rows left, from the remaps: see sim_readings.cpp.
nvmlRowRemapperHistogramValues_t remap_histogram(const SimGpu& g, double t);

}  // namespace ainode::sim
