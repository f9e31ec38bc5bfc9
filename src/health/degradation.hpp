#pragma once
// Quiet degradation: per-signal flags from rates between consecutive
// snapshots (never from a single reading) and a combined score.
//
// | signal              | value                                                      | active when |
// |---------------------|------------------------------------------------------------|-------------|
// | disk_busy           | highest share of time any disk had I/O in flight           | >= 0.9      |
// | disk_latency        | highest mean seconds per completed I/O on any disk         | >= 0.05     |
// | network_drops       | packets dropped per second, all interfaces, both directions| >= 100      |
// | tcp_retransmissions | retransmitted / sent TCP segments (>= 100 sent)            | >= 0.01     |
// | swapping            | bytes swapped in + out per second                          | >= 10 MiB/s |
// | gpu_throttling      | GPUs held down by thermal, power-brake, HW-slowdown or     | >= 1        |
// |                     | software power-cap reasons right now                       |             |
// | gpu_ecc_errors      | new uncorrected ECC errors since the previous snapshot     | >= 1        |
// | gpu_xid_errors      | new XIDs since the previous snapshot                       | >= 1        |
// | pcie_trained_down   | PCIe links (GPU/NIC) running narrower than they support    | >= 1        |
//
// score = sum(weight x active) / sum(weight) over the signals that have
// inputs this cycle, in 0..1 (0 = nothing degrading). Weights: GPU ECC and
// XID 3, PCIe and GPU throttling 2, the host signals 1. A signal without
// inputs (no GPU, first snapshot) is left out, not counted as healthy.
#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/metric.hpp"
#include "core/node_summary.hpp"

namespace ainode {


class DegradationDetector {
 public:
  DegradationReport evaluate(std::span<const Family> families, std::chrono::steady_clock::time_point now);

 private:
  // Counter values of the previous snapshot, by metric name + label values.
  std::map<std::string, double> previous_;
  std::optional<std::chrono::steady_clock::time_point> previous_time_;
};

}  // namespace ainode
