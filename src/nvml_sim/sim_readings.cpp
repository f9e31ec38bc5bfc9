#include "nvml_sim/sim_readings.hpp"

#include <algorithm>
#include <cmath>

namespace ainode::sim {

unsigned long long ecc_total(const SimGpu& g, double t, nvmlMemoryErrorType_t type, nvmlEccCounterType_t counter) {
  State& s = State::get();
  unsigned long long n = type == NVML_MEMORY_ERROR_TYPE_CORRECTED ? s.corrected_ecc(g, t) : s.uncorrected_ecc(g, t);
  if (counter == NVML_AGGREGATE_ECC && type == NVML_MEMORY_ERROR_TYPE_CORRECTED) n += 10;  // lifetime history
  return n;
}

unsigned retired_pages(const SimGpu& g, double t, nvmlPageRetirementCause_t cause) {
  return cause == NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR ? State::get().uncorrected_ecc(g, t) : 0;
}

bool retirement_pending(const SimGpu& g, double t) { return State::get().uncorrected_ecc(g, t) > 0; }

unsigned pcie_replays(const SimGpu& g, double t) {
  // A degraded link replays: up to 20 replays a second at severity 1.
  return static_cast<unsigned>(std::llround(20 * State::get().fault_exposure(g, twin::Cause::pcie_link_degraded, t)));
}

unsigned long long nvlink_errors(const SimGpu& g, double t, unsigned link, nvmlNvLinkErrorCounter_t counter) {
  // A healthy link replays once in ten minutes; an nvlink_errors fault adds
  // up to 50 replays and 50 CRC flit errors a second on link 0.
  unsigned long long count = counter == NVML_NVLINK_ERROR_DL_REPLAY ? static_cast<unsigned long long>(t / 600) : 0ULL;
  if (link == 0 && (counter == NVML_NVLINK_ERROR_DL_REPLAY || counter == NVML_NVLINK_ERROR_DL_CRC_FLIT)) {
    count += static_cast<unsigned long long>(50 * State::get().fault_exposure(g, twin::Cause::nvlink_errors, t));
  }
  return count;
}

unsigned long long energy_millijoules(SimGpu& g, double t) {
  constexpr double kSinceDriverLoad = 3.6e6;  // a driver loaded an hour of idle earlier
  return static_cast<unsigned long long>(std::llround((kSinceDriverLoad + State::get().reading(g, t).energy_j) * 1000));
}

RemapState remap_state(const SimGpu& g, double t) {
  RemapState r;
  r.uncorrectable = State::get().uncorrected_ecc(g, t);
  r.pending = r.uncorrectable > 0;
  r.failure = State::get().remap_failed(g, t);
  return r;
}

nvmlRowRemapperHistogramValues_t remap_histogram(const SimGpu& g, double t) {
  // A simulator's figures, not a datasheet's: 640 banks of 8 spare rows
  // each (8 per bank: the figure docs/risk.md reads in NVIDIA's guide),
  // every uncorrectable remap landing in the same bank (the worst case,
  // which is how a failed remap comes about). A failed remap leaves that
  // bank with none; otherwise the levels are max (8 left), high (6-7),
  // partial (3-5), low (1-2) and none (0).
  constexpr unsigned kBanks = 640, kSpareRows = 8;
  RemapState remap = remap_state(g, t);
  unsigned left = remap.failure ? 0 : kSpareRows - std::min(remap.uncorrectable, kSpareRows);
  nvmlRowRemapperHistogramValues_t h{};
  h.max = kBanks - 1;
  unsigned* level = left == kSpareRows ? &h.max : left >= 6 ? &h.high : left >= 3 ? &h.partial : left >= 1 ? &h.low : &h.none;
  ++*level;
  return h;
}

}  // namespace ainode::sim
