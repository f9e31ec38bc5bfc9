#pragma once
// The simulator's process-wide state: the devices of the loaded scenario,
// simulated time, faults and pending events.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpu/nvml/nvml_abi.hpp"
#include "nvml_sim/sim_scenario.hpp"

namespace ainode::sim {

enum class HandleKind : int { gpu = 0x6770, mig = 0x6d69, gpu_instance = 0x6769, compute_instance = 0x6369 };

struct SimGpu;
struct SimMig {
  HandleKind kind = HandleKind::mig;
  SimGpu* parent = nullptr;
  MigDeviceSpec spec;
  std::string uuid;
};
// GPU and compute instance handles point at these.
struct SimInstance {
  HandleKind kind;
  const SimMig* mig;
};

struct SimGpu {
  HandleKind kind = HandleKind::gpu;
  unsigned ordinal = 0;  // position in the scenario
  GpuSpec spec;
  std::string uuid, serial, bus_id;
  std::vector<std::unique_ptr<SimMig>> migs;
  std::vector<std::unique_ptr<SimInstance>> instances;
};

struct SimEventSet {
  std::vector<std::pair<SimGpu*, unsigned long long>> registered;  // GPU and the event types asked for
  std::size_t next_event = 0;  // index into State::event_timeline()
};

struct TimedEvent {
  double at_seconds;
  SimGpu* gpu;
  unsigned long long type;
  unsigned long long data;
};

class State {
 public:
  static State& get();

  nvmlReturn_t init();
  nvmlReturn_t shutdown();
  bool initialized() const { return init_count_ > 0; }

  // Simulated seconds: AINODE_NVML_SIM_CLOCK_FILE's number when set (tests
  // step time with it), else the scenario's frozen time, else real seconds
  // since nvmlInit.
  double now() const;

  const Scenario& scenario() const { return scenario_; }
  std::vector<SimGpu*> visible(double t);
  SimGpu* gpu_from(nvmlDevice_t handle);
  SimMig* mig_from(nvmlDevice_t handle);

  // Applies the scenario's faults to a call on `gpu` (which may sleep for a
  // hang) and returns the error to answer with, or NVML_SUCCESS.
  nvmlReturn_t enter(const char* call, const SimGpu* gpu);

  const std::vector<TimedEvent>& event_timeline() const { return timeline_; }

  // Readings as functions of simulated time.
  double utilization(const SimGpu& g, double t) const;
  double power_watts(const SimGpu& g, double t) const;
  double energy_joules(const SimGpu& g, double t) const;
  // Integral of the unclamped utilization over [0, t], in seconds.
  double utilization_integral(const SimGpu& g, double t) const;
  double nvlink_data_kib(const SimGpu& g, double t, bool transmit) const;
  double temperature(const SimGpu& g, double t) const;
  unsigned long long throttle_reasons(const SimGpu& g, double t) const;
  unsigned long long used_memory_mib(const SimGpu& g) const;
  unsigned corrected_ecc(const SimGpu& g, double t) const;
  unsigned uncorrected_ecc(const SimGpu& g, double t) const;

 private:
  mutable std::mutex mutex_;
  int init_count_ = 0;
  Scenario scenario_;
  std::vector<std::unique_ptr<SimGpu>> gpus_;
  std::vector<unsigned> fault_uses_;
  std::vector<TimedEvent> timeline_;
  double started_ = 0;
};

}  // namespace ainode::sim
