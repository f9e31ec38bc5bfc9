#pragma once
// A dedicated thread blocked in nvmlEventSetWait_v2 for XIDs, ECC errors,
// clock/pstate changes, power-source and MIG changes and GPU-unavailable
// events, recorded in the GpuEventLog. Waits are bounded (500 ms) so the
// thread stops promptly. GPUs that appear after start (hot-plug, a driver
// reset, a GPU that was absent) are registered by the same thread, so the
// event set is only ever touched by one thread.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
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

  // Creates the event set, registers every present device and starts the
  // thread; false (with reason()) when the driver has no event API.
  bool start();
  const std::string& reason() const { return reason_; }
  unsigned registered_devices() const { return registered_count_; }

 private:
  void run();
  // Registers devices not registered yet; called at start and on the
  // thread when the device count changes or every kRescanInterval.
  void register_new_devices();

  const NvmlApi& api_;
  GpuEventLog& log_;
  nvmlEventSet_t set_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::string reason_;
  // By UUID: the handle registered (re-registered if NVML hands out another
  // one for the same GPU), and GPUs that support no wanted event.
  std::map<std::string, nvmlDevice_t> registered_;
  std::set<std::string> without_events_;
  std::atomic<unsigned> registered_count_{0};
  unsigned last_device_count_ = 0;
  std::chrono::steady_clock::time_point next_rescan_;
};

// "xid", "single_bit_ecc", ... for an NVML event type bit.
std::string nvml_event_type_name(unsigned long long type);

}  // namespace ainode
