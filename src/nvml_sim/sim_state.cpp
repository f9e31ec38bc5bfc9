#include "nvml_sim/sim_state.hpp"

#include "twin/gpu_identity.hpp"
#include "twin/host_model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <thread>

namespace ainode::sim {

namespace {

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

State& State::get() {
  static State state;
  return state;
}

nvmlReturn_t State::init() {
  std::lock_guard lock(mutex_);
  if (init_count_++ > 0) return NVML_SUCCESS;
  const char* path = std::getenv("AINODE_NVML_SIM_SCENARIO");
  if (path == nullptr) {
    std::fprintf(stderr, "nvml-sim: AINODE_NVML_SIM_SCENARIO is not set\n");
    init_count_ = 0;
    return NVML_ERROR_DRIVER_NOT_LOADED;
  }
  try {
    scenario_ = load_scenario(path);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "nvml-sim: %s\n", error.what());
    init_count_ = 0;
    return NVML_ERROR_DRIVER_NOT_LOADED;
  }
  // ainode-twin run names the state file for its model server.
  if (const char* state_file = std::getenv("AINODE_NVML_SIM_STATE_FILE")) scenario_.state_file = state_file;
  state_file_written_ = -1;
  gpus_.clear();
  for (unsigned i = 0; i < scenario_.gpus.size(); ++i) {
    auto gpu = std::make_unique<SimGpu>();
    gpu->ordinal = i;
    gpu->spec = scenario_.gpus[i];
    gpu->uuid = twin::gpu_uuid(i);
    gpu->serial = "16503240" + std::to_string(10000 + i);
    gpu->bus_id = twin::gpu_bus_id(i);
    gpu->physics_model = physics_of(*gpu->spec.model, gpu->spec.ambient_c);
    gpus_.push_back(std::move(gpu));
  }
  for (const auto& spec : scenario_.mig_devices) {
    SimGpu& gpu = *gpus_[spec.gpu];
    auto mig = std::make_unique<SimMig>();
    mig->parent = &gpu;
    mig->spec = spec;
    mig->uuid = twin::twin_uuid("MIG", spec.gpu, 1 + static_cast<unsigned>(gpu.migs.size()));
    gpu.instances.push_back(std::make_unique<SimInstance>(SimInstance{HandleKind::gpu_instance, mig.get()}));
    gpu.instances.push_back(std::make_unique<SimInstance>(SimInstance{HandleKind::compute_instance, mig.get()}));
    gpu.migs.push_back(std::move(mig));
  }
  fault_uses_.assign(scenario_.faults.size(), 0);
  timeline_.clear();
  for (const auto& x : scenario_.xids) timeline_.push_back({x.at_seconds, gpus_[x.gpu].get(), nvmlEventTypeXidCriticalError, x.xid});
  for (const auto& e : scenario_.ecc) {
    for (double at : e.uncorrected_at_seconds) timeline_.push_back({at, gpus_[e.gpu].get(), nvmlEventTypeDoubleBitEccError, 0});
  }
  // Faults declared by cause raise the events their cause raises on a real
  // GPU: the XID itself; XID 79 when the GPU falls off the bus; a double-bit
  // ECC event and XID 48 for an uncorrectable memory error.
  for (const auto& f : scenario_.causes.faults) {
    if (!f.subject.gpu) continue;
    SimGpu* g = gpus_[*f.subject.gpu].get();
    if (f.kind == twin::Cause::xid) timeline_.push_back({f.from_seconds, g, nvmlEventTypeXidCriticalError, f.xid});
    if (f.kind == twin::Cause::gpu_lost) timeline_.push_back({f.from_seconds, g, nvmlEventTypeXidCriticalError, 79});
    if (f.kind == twin::Cause::ecc_errors && f.mode == "uncorrected") {
      timeline_.push_back({f.from_seconds, g, nvmlEventTypeDoubleBitEccError, 0});
      timeline_.push_back({f.from_seconds, g, nvmlEventTypeXidCriticalError, 48});
    }
  }
  std::stable_sort(timeline_.begin(), timeline_.end(), [](const auto& a, const auto& b) { return a.at_seconds < b.at_seconds; });
  started_ = monotonic_seconds();
  return NVML_SUCCESS;
}

nvmlReturn_t State::shutdown() {
  std::lock_guard lock(mutex_);
  if (init_count_ == 0) return NVML_ERROR_UNINITIALIZED;
  --init_count_;
  return NVML_SUCCESS;
}

double State::now() const {
  if (const char* clock_file = std::getenv("AINODE_NVML_SIM_CLOCK_FILE")) {
    std::ifstream in(clock_file);
    double t = 0;
    if (in >> t) return t;
  }
  if (scenario_.frozen_time_seconds) return *scenario_.frozen_time_seconds;
  return monotonic_seconds() - started_;
}

std::vector<SimGpu*> State::visible(double t) {
  std::vector<SimGpu*> out;
  for (const auto& gpu : gpus_) {
    bool removed = std::any_of(scenario_.faults.begin(), scenario_.faults.end(), [&](const FaultSpec& f) {
      return f.removed && f.gpu == gpu->ordinal && t >= f.from_seconds && t < f.to_seconds;
    });
    if (!removed) out.push_back(gpu.get());
  }
  return out;
}

SimGpu* State::gpu_from(nvmlDevice_t handle) {
  auto* gpu = reinterpret_cast<SimGpu*>(handle);
  if (gpu == nullptr) return nullptr;
  for (const auto& owned : gpus_) {
    if (owned.get() == gpu) return gpu;
  }
  return nullptr;
}

SimMig* State::mig_from(nvmlDevice_t handle) {
  for (const auto& gpu : gpus_) {
    for (const auto& mig : gpu->migs) {
      if (reinterpret_cast<nvmlDevice_t>(mig.get()) == handle) return mig.get();
    }
  }
  return nullptr;
}

nvmlReturn_t State::enter(const char* call, SimGpu* gpu) {
  double t = now();
  double hang = 0;
  nvmlReturn_t answer = NVML_SUCCESS;
  {
    std::lock_guard lock(mutex_);
    if (gpu != nullptr) {
      // Lost by cause: a gpu_lost fault, an XID 79 (fallen off the bus), or
      // the physics reaching the shutdown temperature.
      for (const auto& f : scenario_.causes.faults) {
        if (f.subject.gpu != gpu->ordinal || !f.active(t)) continue;
        if (f.kind == twin::Cause::gpu_lost || (f.kind == twin::Cause::xid && f.xid == 79)) return NVML_ERROR_GPU_IS_LOST;
      }
      advance_locked(*gpu, t);
      if (gpu->physics.lost) return NVML_ERROR_GPU_IS_LOST;
    }
    for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
      const FaultSpec& f = scenario_.faults[i];
      if (gpu == nullptr || f.gpu != gpu->ordinal || t < f.from_seconds || t >= f.to_seconds) continue;
      if (f.lost) return NVML_ERROR_GPU_IS_LOST;
      if (f.call != call || f.removed) continue;
      if (f.count != 0 && fault_uses_[i] >= f.count) continue;
      ++fault_uses_[i];
      hang = std::max(hang, f.hang_seconds);
      if (f.error != 0) answer = f.error;
    }
  }
  // A hanging driver call: the caller's thread is stuck here, as it would
  // be inside the real driver.
  if (hang > 0) std::this_thread::sleep_for(std::chrono::duration<double>(hang));
  return answer;
}

void State::advance_locked(SimGpu& g, double t) {
  const twin::Workload& w = g.spec.workload;
  auto settings_at = [&](double at) {
    const twin::GpuSettings* found = &g.settings_history.front().second;
    for (const auto& [since, settings] : g.settings_history) {
      if (since <= at) found = &settings;
    }
    return *found;
  };
  if (g.steps < 0 || t < g.physics.t - 1e-9) {
    // Start, or replay from zero: the state is a function of scenario time
    // and the settings history only, so frozen and stepped time repeat.
    g.physics = twin::initial_state(g.physics_model, twin::demand(w, 0), settings_at(0), effects(g, 0));
    g.steps = 0;
  }
  auto target = static_cast<long long>(std::floor(t / twin::kPhysicsStepSeconds + 1e-9));
  while (g.steps < target) {
    // Each step ends at `at`: the state at t reflects the demand and faults at t.
    double at = static_cast<double>(g.steps + 1) * twin::kPhysicsStepSeconds;
    twin::step(g.physics, g.physics_model, twin::demand(w, at), settings_at(at), effects(g, at), twin::kPhysicsStepSeconds);
    ++g.steps;
    g.physics.t = static_cast<double>(g.steps) * twin::kPhysicsStepSeconds;
  }
}

twin::GpuState State::reading(SimGpu& g, double t) {
  std::lock_guard lock(mutex_);
  advance_locked(g, t);
  if (!scenario_.state_file.empty() && std::floor(t) != state_file_written_) write_state_file_locked(t);
  return g.physics;
}

twin::GpuSettings State::settings(const SimGpu& g) {
  std::lock_guard lock(mutex_);
  return g.settings_history.back().second;
}

void State::apply(SimGpu& g, double t, const twin::GpuSettings& settings) {
  std::lock_guard lock(mutex_);
  advance_locked(g, t);
  g.settings_history.emplace_back(t, settings);
}

void State::log_set_call(const SimGpu& g, double t, const char* call, const std::string& arguments_json,
                         nvmlReturn_t code) {
  if (scenario_.set_call_log.empty()) return;
  std::lock_guard lock(mutex_);
  // One line per call, appended and flushed at once: a test reads what was applied.
  if (std::FILE* log = std::fopen(scenario_.set_call_log.c_str(), "a")) {
    std::fprintf(log, "{\"time\":%.3f,\"gpu\":%u,\"call\":\"%s\",\"arguments\":%s,\"return\":%d}\n", t, g.ordinal, call,
                 arguments_json.c_str(), code);
    std::fclose(log);
  }
}

std::vector<const twin::Fault*> State::active_faults(const SimGpu& g, twin::Cause kind, double t) const {
  std::vector<const twin::Fault*> out;
  for (const auto& f : scenario_.causes.faults) {
    if (f.kind == kind && f.subject.gpu == g.ordinal && f.active(t)) out.push_back(&f);
  }
  return out;
}

double State::fault_exposure(const SimGpu& g, twin::Cause kind, double t) const {
  double seconds = 0;
  for (const auto& f : scenario_.causes.faults) {
    if (f.kind != kind || f.subject.gpu != g.ordinal || t <= f.from_seconds) continue;
    seconds += f.severity * (std::min(t, f.to_seconds) - f.from_seconds);
  }
  return seconds;
}

// Severity to effect, per kind (docs/twin.md has the table).
twin::GpuEffects State::effects(const SimGpu& g, double t) const {
  twin::GpuEffects e;
  for (const auto& th : scenario_.throttles) {
    if (th.gpu != g.ordinal || t < th.from_seconds || t >= th.to_seconds) continue;
    e.forced_reasons |= th.reasons;
    // As before the twin: a forced reason other than idle holds the clock at 3/4.
    if (th.reasons & ~nvmlClocksEventReasonGpuIdle) e.forced_clock_fraction = 0.75;
  }
  for (const twin::Fault* f : active_faults(g, twin::Cause::thermal, t)) {
    double s = f->severity;
    if (f->mode == "inlet") {
      e.ambient_rise_c = std::max(e.ambient_rise_c, 30 * s);
    } else {
      e.thermal_resistance_factor = std::max(e.thermal_resistance_factor, 1 + 14 * s * s);
      if (f->mode == "fan") e.fan_factor = std::min(e.fan_factor, 1 - s);
    }
  }
  for (const twin::Fault* f : active_faults(g, twin::Cause::power_cap, t)) {
    e.external_limit_w = std::min(e.external_limit_w, g.physics_model.default_limit_w * (1 - 0.6 * f->severity));
  }
  for (const twin::Fault* f : active_faults(g, twin::Cause::hw_slowdown, t)) {
    if (f->mode == "power_brake") {
      e.power_brake = true;
    } else {
      e.hw_slowdown_factor = std::min(e.hw_slowdown_factor, 1 - 0.7 * f->severity);
    }
  }
  return e;
}

double State::nvlink_data_kib(SimGpu& g, double t, bool transmit) {
  // NVLink payload follows the work done: 40 GiB/s sent and 36 GiB/s
  // received over all links at full rate.
  constexpr double kFullRateKibPerSecond = 40.0 * 1024 * 1024;
  return reading(g, t).work * kFullRateKibPerSecond * (transmit ? 1.0 : 0.9);
}

unsigned State::pcie_width(const SimGpu& g, double t) const {
  unsigned width = g.spec.pcie_width != 0 ? g.spec.pcie_width : g.spec.model->pcie_width;
  // The same width the host simulator writes to sysfs for this GPU.
  return std::min(width, twin::pcie_width_at(scenario_.causes, g.ordinal, g.spec.model->pcie_width, t));
}

unsigned State::pcie_generation(const SimGpu& g, double t) const {
  unsigned generation = g.spec.model->pcie_generation;
  for (const twin::Fault* f : active_faults(g, twin::Cause::pcie_link_degraded, t)) {
    if (f->severity >= 0.8) generation = std::min(generation, g.spec.model->pcie_generation - 1);
  }
  return generation;
}

void State::write_state_file_locked(double t) {
  state_file_written_ = std::floor(t);
  std::string json = "{\"time\":" + std::to_string(t) + ",\"gpus\":[";
  for (const auto& owned : gpus_) {
    SimGpu& g = *owned;
    advance_locked(g, t);
    const twin::GpuState& s = g.physics;
    const twin::Workload& w = g.spec.workload;
    char entry[640];
    std::snprintf(entry, sizeof entry,
                  "%s{\"gpu\":%u,\"demand\":%.4f,\"delivered\":%.4f,\"graphics_clock_mhz\":%.0f,\"power_watts\":%.2f,"
                  "\"temperature_celsius\":%.2f,\"clocks_event_reasons\":%llu,\"lost\":%s,\"progress_unit\":\"%s\","
                  "\"progress_per_second\":%.4f,\"progress_total\":%.3f,\"energy_joules\":%.3f}",
                  g.ordinal == 0 ? "" : ",", g.ordinal, s.demand, s.delivered, s.graphics_mhz, s.power_w,
                  s.temperature_c, s.reasons, s.lost ? "true" : "false", w.progress_unit.c_str(),
                  s.lost ? 0.0 : s.delivered * w.progress_at_full_rate, s.work * w.progress_at_full_rate, s.energy_j);
    json += entry;
  }
  json += "]}\n";
  // Written beside and renamed over, so a reader never sees half a file.
  std::string temporary = scenario_.state_file + ".tmp";
  if (std::FILE* out = std::fopen(temporary.c_str(), "w")) {
    std::fputs(json.c_str(), out);
    std::fclose(out);
    std::rename(temporary.c_str(), scenario_.state_file.c_str());
  }
}
unsigned long long State::used_memory_mib(const SimGpu& g) const {
  unsigned long long used = 512;  // context and driver allocations
  for (const auto& p : scenario_.processes) {
    if (p.gpu == g.ordinal) used += p.used_memory_mib;
  }
  // In MIG mode the parent's memory holds every MIG device's: its used
  // memory is at least their sum, as on a real driver.
  for (const auto& mig : g.migs) used += mig->spec.used_memory_mib;
  return std::min(used, g.spec.model->memory_mib);
}

unsigned State::corrected_ecc(const SimGpu& g, double t) const {
  // A corrected storm: up to 600 per minute at severity 1.
  double count = fault_exposure(g, twin::Cause::ecc_errors, t) * 10;
  for (const auto& e : scenario_.ecc) {
    if (e.gpu == g.ordinal) count += e.corrected_per_minute * t / 60.0;
  }
  return static_cast<unsigned>(std::floor(count));
}

unsigned State::uncorrected_ecc(const SimGpu& g, double t) const {
  unsigned count = 0;
  for (const auto& e : scenario_.ecc) {
    if (e.gpu != g.ordinal) continue;
    for (double at : e.uncorrected_at_seconds) count += at <= t ? 1 : 0;
  }
  for (const auto& f : scenario_.causes.faults) {
    if (f.kind == twin::Cause::ecc_errors && f.mode == "uncorrected" && f.subject.gpu == g.ordinal && t >= f.from_seconds) {
      ++count;
    }
  }
  return count;
}

// An uncorrectable error the spare rows could not absorb (severity >= 0.9).
bool State::remap_failed(const SimGpu& g, double t) const {
  return std::any_of(scenario_.causes.faults.begin(), scenario_.causes.faults.end(), [&](const twin::Fault& f) {
    return f.kind == twin::Cause::ecc_errors && f.mode == "uncorrected" && f.severity >= 0.9 &&
           f.subject.gpu == g.ordinal && t >= f.from_seconds;
  });
}

}  // namespace ainode::sim
