#include "nvml_sim/sim_state.hpp"

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

std::string bus_id_for(unsigned ordinal) {
  // The PCI buses of the eight GPUs of an HGX H100 baseboard, then onwards.
  static const unsigned buses[] = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};
  unsigned bus = ordinal < 8 ? buses[ordinal] : 0xe0 + ordinal;
  char text[32];
  std::snprintf(text, sizeof text, "00000000:%02X:00.0", bus & 0xff);
  return text;
}

std::string uuid_for(const char* prefix, unsigned a, unsigned b) {
  char text[64];
  std::snprintf(text, sizeof text, "%s-5a1d%04x-%04x-4000-8000-%012x", prefix, a, b, a * 4096 + b);
  return text;
}

double phase(const SimGpu& g) { return 0.7 * g.ordinal; }

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
  gpus_.clear();
  for (unsigned i = 0; i < scenario_.gpus.size(); ++i) {
    auto gpu = std::make_unique<SimGpu>();
    gpu->ordinal = i;
    gpu->spec = scenario_.gpus[i];
    gpu->uuid = uuid_for("GPU", i, 0);
    gpu->serial = "16503240" + std::to_string(10000 + i);
    gpu->bus_id = bus_id_for(i);
    gpus_.push_back(std::move(gpu));
  }
  for (const auto& spec : scenario_.mig_devices) {
    SimGpu& gpu = *gpus_[spec.gpu];
    auto mig = std::make_unique<SimMig>();
    mig->parent = &gpu;
    mig->spec = spec;
    mig->uuid = uuid_for("MIG", spec.gpu, 1 + static_cast<unsigned>(gpu.migs.size()));
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

nvmlReturn_t State::enter(const char* call, const SimGpu* gpu) {
  double t = now();
  double hang = 0;
  nvmlReturn_t answer = NVML_SUCCESS;
  {
    std::lock_guard lock(mutex_);
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

double State::utilization(const SimGpu& g, double t) const {
  double u = g.spec.utilization_base +
             g.spec.utilization_amplitude * std::sin(2 * std::numbers::pi * t / g.spec.period_seconds + phase(g));
  return std::clamp(u, 0.0, 1.0);
}

// Power follows utilization between idle and 85% of the limit.
double State::power_watts(const SimGpu& g, double t) const {
  const Model& m = *g.spec.model;
  return m.power_idle_w + (m.power_limit_w - m.power_idle_w) * 0.85 * utilization(g, t);
}

// The integral of power_watts (unclamped utilization), so the counter is
// exactly consistent with the instantaneous readings and never decreases
// while base - amplitude >= 0.
double State::energy_joules(const SimGpu& g, double t) const {
  const Model& m = *g.spec.model;
  constexpr double kSinceDriverLoad = 3.6e6;  // a driver loaded an hour of idle earlier
  return kSinceDriverLoad + m.power_idle_w * t + (m.power_limit_w - m.power_idle_w) * 0.85 * utilization_integral(g, t);
}

double State::utilization_integral(const SimGpu& g, double t) const {
  double omega = 2 * std::numbers::pi / g.spec.period_seconds;
  return g.spec.utilization_base * t -
         g.spec.utilization_amplitude / omega * (std::cos(omega * t + phase(g)) - std::cos(phase(g)));
}

// NVLink payload follows utilization: 40 GiB/s sent and 36 GiB/s received
// over all links at full load.
double State::nvlink_data_kib(const SimGpu& g, double t, bool transmit) const {
  constexpr double kFullLoadKibPerSecond = 40.0 * 1024 * 1024;
  return utilization_integral(g, t) * kFullLoadKibPerSecond * (transmit ? 1.0 : 0.9);
}

double State::temperature(const SimGpu& g, double t) const {
  return 30.0 + 45.0 * power_watts(g, t) / g.spec.model->power_limit_w;
}

unsigned long long State::throttle_reasons(const SimGpu& g, double t) const {
  unsigned long long reasons = utilization(g, t) < 0.05 ? 0x1 : 0;
  for (const auto& th : scenario_.throttles) {
    if (th.gpu == g.ordinal && t >= th.from_seconds && t < th.to_seconds) reasons |= th.reasons;
  }
  return reasons;
}

unsigned long long State::used_memory_mib(const SimGpu& g) const {
  unsigned long long used = 512;  // context and driver allocations
  for (const auto& p : scenario_.processes) {
    if (p.gpu == g.ordinal) used += p.used_memory_mib;
  }
  return std::min(used, g.spec.model->memory_mib);
}

unsigned State::corrected_ecc(const SimGpu& g, double t) const {
  double count = 0;
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
  return count;
}

}  // namespace ainode::sim
