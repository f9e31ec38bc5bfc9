#pragma once
// A dedicated thread blocked in nvmlEventSetWait_v2 for XIDs, ECC errors,
// clock/pstate changes, power-source and MIG changes and GPU-unavailable
// events, recorded in the GpuEventLog. Waits are bounded (500 ms) so the
// thread stops promptly.
#include <atomic>
#include <string>
#include <thread>

#include "gpu/gpu_event_log.hpp"
#include "gpu/nvml/nvml_library.hpp"

namespace ainode {

class NvmlEventWatcher {
 public:
  NvmlEventWatcher(const NvmlApi& api, GpuEventLog& log);
  ~NvmlEventWatcher();
  NvmlEventWatcher(const NvmlEventWatcher&) = delete;
  NvmlEventWatcher& operator=(const NvmlEventWatcher&) = delete;

  // Registers every present device; returns false (with reason()) when the
  // driver offers no events, in which case no thread runs.
  bool start();
  const std::string& reason() const { return reason_; }
  unsigned registered_devices() const { return registered_; }

 private:
  void run();

  const NvmlApi& api_;
  GpuEventLog& log_;
  nvmlEventSet_t set_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::string reason_;
  unsigned registered_ = 0;
};

// "xid", "single_bit_ecc", ... for an NVML event type bit.
std::string nvml_event_type_name(unsigned long long type);

}  // namespace ainode
