#pragma once
// Each GPU of a snapshot read back from its families into the vendor-neutral
// GpuReading, for the readers of snapshots that reason about GPUs (policies,
// root-cause analysis, failure risk, diagnostics). Reading the published
// families, not the collector's internals, keeps those readers testable on
// hand-made families and keeps the data flowing one way (DESIGN.md).
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "gpu/gpu_reading.hpp"

namespace ainode {

struct GpuView {
  GpuReading reading;  // the fields the GPU collector exported; absent stays absent
  std::map<unsigned, double> xid_errors;  // XID code -> count since the agent started
  std::optional<double> last_xid;
  std::optional<double> last_xid_unix_seconds;
  bool throttle_reasons_known() const { return reading.clock_event_reasons.has_value(); }
  bool throttled_by(std::string_view reason) const;
};

// One entry per GPU (not per MIG device), ordered by index.
std::vector<GpuView> gpu_views(std::span<const Family> families);
// The same for a snapshot's families, made once per snapshot and shared
// (thread safe); valid as long as the snapshot.
const std::vector<GpuView>& gpu_views(const Snapshot& snapshot);

// The GPU with this index, or nullptr.
const GpuView* find_gpu(std::span<const GpuView> gpus, unsigned index);

}  // namespace ainode
