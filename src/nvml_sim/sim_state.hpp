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
  // Physics: the state after `steps` steps of twin::kPhysicsStepSeconds,
  // and every settings change with the simulated time it was made, so the
  // state can be replayed from zero when a test steps time backwards.
  twin::GpuPhysicsModel physics_model;
  twin::GpuState physics;
  long long steps = -1;  // -1: not started
  std::vector<std::pair<double, twin::GpuSettings>> settings_history{{0.0, twin::GpuSettings{}}};
};

struct SimEventSet {
  std::vector<std::pair<SimGpu*, unsigned long long>> registered;  // GPU and the event types asked for
  std::size_t next_event = 0;  // index into State::event_timeline()
  std::vector<SimGpu*> shutdowns_reported;  // GPUs whose thermal shutdown (XID 79) this set delivered
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
  nvmlReturn_t enter(const char* call, SimGpu* gpu);

  const std::vector<TimedEvent>& event_timeline() const { return timeline_; }

  // The physics state of `g` at simulated time t (advanced or replayed to it).
  twin::GpuState reading(SimGpu& g, double t);
  twin::GpuSettings settings(const SimGpu& g);
  // A set call's new settings, effective from simulated time t.
  void apply(SimGpu& g, double t, const twin::GpuSettings& settings);
  // Appends one JSON line to the scenario's set_call_log (when it has one).
  void log_set_call(const SimGpu& g, double t, const char* call, const std::string& arguments_json, nvmlReturn_t code);
  // What the scenario's faults (and legacy [[throttle]] entries) do to `g` at t.
  twin::GpuEffects effects(const SimGpu& g, double t) const;
  // The [[fault]] entries of one kind active on `g` at t.
  std::vector<const twin::Fault*> active_faults(const SimGpu& g, twin::Cause kind, double t) const;
  // Seconds of the window [from, to) of faults of `kind` on `g` elapsed by t, weighted by severity.
  double fault_exposure(const SimGpu& g, twin::Cause kind, double t) const;

  double nvlink_data_kib(SimGpu& g, double t, bool transmit);
  bool in_mig_mode(const SimGpu& g) const { return !g.migs.empty(); }
  unsigned long long used_memory_mib(const SimGpu& g) const;
  unsigned corrected_ecc(const SimGpu& g, double t) const;
  unsigned uncorrected_ecc(const SimGpu& g, double t) const;
  bool remap_failed(const SimGpu& g, double t) const;
  unsigned pcie_width(const SimGpu& g, double t) const;
  unsigned pcie_generation(const SimGpu& g, double t) const;

 private:
  mutable std::mutex mutex_;
  int init_count_ = 0;
  Scenario scenario_;
  std::vector<std::unique_ptr<SimGpu>> gpus_;
  std::vector<unsigned> fault_uses_;
  std::vector<TimedEvent> timeline_;
  double started_ = 0;
  double state_file_written_ = -1;

  void advance_locked(SimGpu& g, double t);
  void write_state_file_locked(double t);
};

}  // namespace ainode::sim
