#pragma once
// The only code that changes GPU settings. Backends make the driver calls
// (NVML set functions, amdgpu's hwmon power1_cap); AsyncActuator runs them
// on its own worker thread, so a driver call that hangs never blocks the
// collection cycle: the controller submits, and collects results on a
// later cycle.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "policy/gpu_setting.hpp"

namespace ainode {

struct ActuationRequest {
  std::uint64_t id = 0;  // set by AsyncActuator::submit
  unsigned gpu = 0;
  std::string uuid, vendor = "nvidia", pci_bus_id;
  GpuSetting setting;
};

enum class ActuationCode { applied, failed, no_permission, unsupported };
std::string_view to_string(ActuationCode code);

struct ActuationResult {
  ActuationRequest request;
  ActuationCode code = ActuationCode::failed;
  std::string detail;  // the driver's error ("NVML_ERROR_INVALID_ARGUMENT"), or why unsupported
};

// Makes one call and returns what the driver said. Called on the worker
// thread only, one call at a time.
class ActuatorBackend {
 public:
  virtual ~ActuatorBackend() = default;
  virtual ActuationResult apply(const ActuationRequest& request) = 0;
};

class AsyncActuator {
 public:
  explicit AsyncActuator(std::unique_ptr<ActuatorBackend> backend);
  ~AsyncActuator();  // a hung call is abandoned (the thread is detached), not waited for
  AsyncActuator(const AsyncActuator&) = delete;
  AsyncActuator& operator=(const AsyncActuator&) = delete;

  std::uint64_t submit(ActuationRequest request);
  // Results finished since the last call, in completion order.
  std::vector<ActuationResult> take_results();
  // Waits up to `timeout` for every submitted request to finish (agent stop).
  bool wait_idle(std::chrono::milliseconds timeout);
  // When the call now running started, if one is running.
  std::optional<std::chrono::steady_clock::time_point> busy_since() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;  // outlives a detached worker
  std::thread worker_;
};

// NVML: nvmlDeviceSetPowerManagementLimit (bounded first by
// nvmlDeviceGetPowerManagementLimitConstraints), Set/Reset GpuLockedClocks,
// MemoryLockedClocks and ApplicationsClocks; amdgpu: power1_cap under
// `sysfs` (microwatts, within power1_cap_min..max) where writable. Each
// opened lazily on the first request for its vendor.
std::unique_ptr<ActuatorBackend> make_driver_backend(const std::string& nvml_library, const std::string& sysfs);

}  // namespace ainode
