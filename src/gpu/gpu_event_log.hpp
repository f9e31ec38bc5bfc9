#pragma once
// Counts and a bounded history of GPU events (XIDs, ECC, clock and pstate
// changes, GPUs lost or back), written by the event thread and the sampler,
// read by the collector. Thread-safe.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ainode {

struct GpuEvent {
  std::chrono::system_clock::time_point time;
  std::string uuid;
  std::string type;  // "xid", "single_bit_ecc", "double_bit_ecc", "pstate", "clock", "power_source",
                     // "mig_config", "gpu_unavailable", "gpu_lost", "gpu_recovered"
  std::uint64_t data = 0;  // the XID for "xid"
};

class GpuEventLog {
 public:
  static constexpr std::size_t kCapacity = 256;

  void record(GpuEvent event);

  struct Counts {
    std::map<std::pair<std::string, std::string>, std::uint64_t> by_type;  // (uuid, type)
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> xids;   // (uuid, xid)
    std::map<std::string, GpuEvent> last_xid;                              // uuid -> event
    std::vector<GpuEvent> recent;                                          // oldest first
  };
  Counts snapshot() const;

 private:
  mutable std::mutex mutex_;
  Counts counts_;
  std::deque<GpuEvent> recent_;
};

// Drops what `counts` holds about the GPUs in `uuids` (filtered out by
// gpu.visible_devices: the event thread watches every GPU).
void remove_events_of(const std::set<std::string>& uuids, GpuEventLog::Counts& counts);

}  // namespace ainode
