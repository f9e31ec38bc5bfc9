#include "gpu/nvml/nvml_sampler.hpp"

#include <algorithm>
#include <cmath>

#include "core/text.hpp"

namespace ainode {

namespace {

constexpr double kMebibyte = 1024.0 * 1024.0;
constexpr double kMegahertz = 1e6;
constexpr double kMilliwatt = 1e-3;
constexpr double kPercent = 100.0;

}  // namespace

NvmlSampler::NvmlSampler(const NvmlApi& api, NvmlSamplerOptions options, GpuEventLog& events)
    : api_(api), options_(options), events_(events) {}

void NvmlSampler::count_error(const std::string& uuid, unsigned index, const char* call, nvmlReturn_t code) {
  ++errors_[NvmlErrorKey{uuid, index, call, std::string(nvml_error_name(code))}];
  ++errors_counted_;
}

void NvmlSampler::record_cost(std::string_view call, double seconds) {
  auto cost = call_costs_.find(call);
  if (cost == call_costs_.end()) cost = call_costs_.emplace(std::string(call), NvmlCallCost{}).first;
  ++cost->second.calls;
  cost->second.total_seconds += seconds;
  cost->second.max_seconds = std::max(cost->second.max_seconds, seconds);
}

nvmlReturn_t NvmlSampler::timed(std::string_view name, const std::function<nvmlReturn_t()>& function) {
  auto started = std::chrono::steady_clock::now();
  nvmlReturn_t code = function();
  record_cost(name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return code;
}

std::uint64_t NvmlSampler::calls_made() const {
  std::uint64_t total = 0;
  for (const auto& [name, cost] : call_costs_) total += cost.calls;
  return total;
}

bool NvmlSampler::slow_read_due(DeviceState& state) {
  auto now = std::chrono::steady_clock::now();
  if (now < state.next_slow_read) return false;
  state.next_slow_read = now + options_.slow_read_interval;
  return true;
}

bool NvmlSampler::call(GpuReading& reading, DeviceState& state, const char* name,
                       const std::function<nvmlReturn_t()>& function) {
  if (state.lost || state.unsupported.contains(name)) return false;
  auto started = std::chrono::steady_clock::now();
  nvmlReturn_t code = timed(name, function);
  auto took = std::chrono::steady_clock::now() - started;
  if (took >= options_.slow_call) {
    NvmlCallKey key{reading.uuid, reading.index, name};
    ++slow_calls_[key];
    last_slow_call_ = NvmlSlowCall{key, std::chrono::duration<double>(took).count(), std::chrono::system_clock::now()};
  }
  return handle(reading, state, name, code);
}

bool NvmlSampler::handle(GpuReading& reading, DeviceState& state, const char* name, nvmlReturn_t code) {
  if (code == NVML_SUCCESS) return true;
  if (code == NVML_ERROR_NOT_SUPPORTED) {
    state.unsupported.insert(name);
  } else if (code == NVML_ERROR_GPU_IS_LOST) {
    state.lost = true;
    reading.up = false;
    events_.record(GpuEvent{std::chrono::system_clock::now(), reading.uuid, "gpu_lost", 0});
    count_error(reading.uuid, reading.index, name, code);
  } else {
    count_error(reading.uuid, reading.index, name, code);
  }
  return false;
}

std::vector<GpuReading> NvmlSampler::sample(const HostFs& fs, const DeviceWanted& wanted) {
  std::vector<GpuReading> out;
  hidden_.clear();
  unsigned count = 0;
  if (nvmlReturn_t code = timed("nvmlDeviceGetCount", [&] { return api_.device_count(&count); }); code != NVML_SUCCESS) {
    count_error("", 0, "nvmlDeviceGetCount", code);
    return out;
  }
  std::set<std::string> seen;
  for (unsigned index = 0; index < count; ++index) {
    nvmlDevice_t device = nullptr;
    if (nvmlReturn_t code = timed("nvmlDeviceGetHandleByIndex", [&] { return api_.device_by_index(index, &device); });
        code != NVML_SUCCESS) {
      count_error("", index, "nvmlDeviceGetHandleByIndex", code);
      continue;
    }
    char buffer[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    nvmlReturn_t code = api_.uuid != nullptr ? timed("nvmlDeviceGetUUID", [&] { return api_.uuid(device, buffer, sizeof buffer); })
                                             : NVML_ERROR_FUNCTION_NOT_FOUND;
    GpuReading reading;
    reading.index = index;
    if (code == NVML_SUCCESS) {
      reading.uuid = buffer;
      uuid_by_index_[index] = reading.uuid;
    } else if (auto known = uuid_by_index_.find(index); known != uuid_by_index_.end()) {
      reading.uuid = known->second;  // a lost GPU may not even tell its UUID; it is still the GPU last seen here
    }
    // A GPU filtered out is not read at all: no calls, no errors, no events.
    if (wanted && !wanted(index, reading.uuid)) {
      if (!reading.uuid.empty()) hidden_.insert(reading.uuid);
      continue;
    }
    if (code != NVML_SUCCESS) count_error(reading.uuid, index, "nvmlDeviceGetUUID", code);
    std::string key = reading.uuid.empty() ? "index:" + std::to_string(index) : reading.uuid;
    seen.insert(key);
    ++devices_read_;
    DeviceState& state = devices_[key];
    if (code == NVML_ERROR_GPU_IS_LOST) {
      if (!state.lost) events_.record(GpuEvent{std::chrono::system_clock::now(), reading.uuid, "gpu_lost", 0});
      state.lost = true;
    }
    if (state.lost) {
      // A lost GPU is probed once per cycle for a recovery (driver reset).
      unsigned ignored = 0;
      if (code == NVML_SUCCESS && api_.clock != nullptr &&  // the UUID answered again
          timed("nvmlDeviceGetClockInfo/sm", [&] { return api_.clock(device, NVML_CLOCK_SM, &ignored); }) !=
              NVML_ERROR_GPU_IS_LOST) {
        state.lost = false;
        events_.record(GpuEvent{std::chrono::system_clock::now(), reading.uuid, "gpu_recovered", 0});
      } else {
        reading.up = false;
        out.push_back(std::move(reading));
        continue;
      }
    }
    state.slow_read_this_cycle = slow_read_due(state);
    read_board(device, reading, state, fs);
    read_utilization_and_memory(device, reading, state);
    read_thermal_and_power(device, reading, state);
    read_clocks(device, reading, state);
    read_links(device, reading, state);
    // Everything NVML also offers as a field value, in one call (the links
    // first: the NVLink counters are asked for the links that are up).
    NvmlFieldBatch batch(state.unsupported_fields);
    request_fields(batch, reading, state);
    fetch_fields(device, reading, state, batch);
    read_memory_temperature_and_energy(device, reading, state, batch);
    read_reliability(device, reading, state, batch);
    read_link_counters(device, reading, state, batch);
    read_slow_state(device, reading, state);
    read_processes(device, reading, state, fs);
    if (options_.enable_mig) read_mig(device, reading, state);
    if (state.lost) reading.up = false;
    out.push_back(std::move(reading));
  }
  // Forget devices that are gone, so one that returns is probed afresh.
  std::erase_if(devices_, [&](const auto& entry) { return !seen.contains(entry.first); });
  return out;
}

void NvmlSampler::read_utilization_and_memory(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  nvmlUtilization_t utilization{};
  if (api_.utilization &&
      call(r, s, "nvmlDeviceGetUtilizationRates", [&] { return api_.utilization(device, &utilization); })) {
    r.utilization_ratio = utilization.gpu / kPercent;
    r.memory_utilization_ratio = utilization.memory / kPercent;
  }
  unsigned value = 0, period = 0;
  if (api_.encoder_utilization && call(r, s, "nvmlDeviceGetEncoderUtilization",
                                       [&] { return api_.encoder_utilization(device, &value, &period); })) {
    r.encoder_utilization_ratio = value / kPercent;
  }
  if (api_.decoder_utilization && call(r, s, "nvmlDeviceGetDecoderUtilization",
                                       [&] { return api_.decoder_utilization(device, &value, &period); })) {
    r.decoder_utilization_ratio = value / kPercent;
  }
  nvmlMemory_v2_t memory{};
  memory.version = nvmlMemory_v2;
  if (api_.memory_info_v2 &&
      call(r, s, "nvmlDeviceGetMemoryInfo_v2", [&] { return api_.memory_info_v2(device, &memory); })) {
    r.memory_total_bytes = static_cast<double>(memory.total);
    r.memory_used_bytes = static_cast<double>(memory.used);
    r.memory_free_bytes = static_cast<double>(memory.free);
    r.memory_reserved_bytes = static_cast<double>(memory.reserved);
  } else if (api_.memory_info && !r.memory_total_bytes) {
    nvmlMemory_t old{};
    if (call(r, s, "nvmlDeviceGetMemoryInfo", [&] { return api_.memory_info(device, &old); })) {
      r.memory_total_bytes = static_cast<double>(old.total);
      r.memory_used_bytes = static_cast<double>(old.used);
      r.memory_free_bytes = static_cast<double>(old.free);
    }
  }
  nvmlBAR1Memory_t bar1{};
  if (api_.bar1_memory && call(r, s, "nvmlDeviceGetBAR1MemoryInfo", [&] { return api_.bar1_memory(device, &bar1); })) {
    r.bar1_total_bytes = static_cast<double>(bar1.bar1Total);
    r.bar1_used_bytes = static_cast<double>(bar1.bar1Used);
  }
}

void NvmlSampler::read_thermal_and_power(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  unsigned value = 0;
  if (api_.temperature && call(r, s, "nvmlDeviceGetTemperature",
                               [&] { return api_.temperature(device, NVML_TEMPERATURE_GPU, &value); })) {
    r.temperature_celsius = value;
  }
  if (api_.fan_speed && call(r, s, "nvmlDeviceGetFanSpeed", [&] { return api_.fan_speed(device, &value); })) {
    r.fan_speed_ratio = value / kPercent;
  }
  if (api_.power_usage && call(r, s, "nvmlDeviceGetPowerUsage", [&] { return api_.power_usage(device, &value); })) {
    r.power_watts = value * kMilliwatt;
  }
  // The limits a policy or an operator changes; the board's default and
  // bounds are read with its other properties (read_board).
  const std::tuple<const char*, const char*, nvmlReturn_t (*)(nvmlDevice_t, unsigned int*)> limits[] = {
      {"current", "nvmlDeviceGetPowerManagementLimit", api_.power_limit},
      {"enforced", "nvmlDeviceGetEnforcedPowerLimit", api_.enforced_power_limit}};
  for (const auto& [name, call_name, function] : limits) {
    if (function && call(r, s, call_name, [&, f = function] { return f(device, &value); })) {
      r.power_limits_watts[name] = value * kMilliwatt;
    }
  }
}

void NvmlSampler::read_clocks(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  const std::pair<const char*, nvmlClockType_t> clocks[] = {
      {"graphics", NVML_CLOCK_GRAPHICS}, {"sm", NVML_CLOCK_SM}, {"memory", NVML_CLOCK_MEM}, {"video", NVML_CLOCK_VIDEO}};
  unsigned mhz = 0;
  for (const auto& [name, type] : clocks) {
    std::string current = std::string("nvmlDeviceGetClockInfo/") + name;
    if (api_.clock && call(r, s, current.c_str(), [&, t = type] { return api_.clock(device, t, &mhz); })) {
      r.clocks_hertz[name] = mhz * kMegahertz;
    }
  }
  if (!s.max_clocks_hertz) {
    for (const auto& [name, type] : clocks) {
      std::string maximum = std::string("nvmlDeviceGetMaxClockInfo/") + name;
      if (api_.max_clock && call(r, s, maximum.c_str(), [&, t = type] { return api_.max_clock(device, t, &mhz); })) {
        r.max_clocks_hertz[name] = mhz * kMegahertz;
      }
    }
    // A failed read (other than NOT_SUPPORTED, which is remembered) is tried again next cycle.
    bool complete = true;
    for (const auto& [name, type] : clocks) {
      complete &= r.max_clocks_hertz.contains(name) ||
                  s.unsupported.contains(std::string("nvmlDeviceGetMaxClockInfo/") + name);
    }
    if (complete && !s.lost) s.max_clocks_hertz = r.max_clocks_hertz;
  } else {
    r.max_clocks_hertz = *s.max_clocks_hertz;
  }
  nvmlPstates_t pstate = 32;
  if (api_.performance_state &&
      call(r, s, "nvmlDeviceGetPerformanceState", [&] { return api_.performance_state(device, &pstate); }) &&
      pstate >= 0 && pstate <= 15) {
    r.pstate = pstate;
  }
  unsigned long long reasons = 0;
  if (api_.clock_event_reasons && call(r, s, "nvmlDeviceGetCurrentClocksEventReasons",
                                       [&] { return api_.clock_event_reasons(device, &reasons); })) {
    r.clock_event_reasons = reasons;
  }
}

void NvmlSampler::read_links(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  unsigned value = 0;
  auto read_uint = [&](const char* name, auto function, std::optional<unsigned>& into) {
    if (function && call(r, s, name, [&] { return function(device, &value); })) into = value;
  };
  read_uint("nvmlDeviceGetCurrPcieLinkGeneration", api_.pcie_generation, r.pcie_generation);
  read_uint("nvmlDeviceGetCurrPcieLinkWidth", api_.pcie_width, r.pcie_width);
  constexpr double kKilobyte = 1024.0;  // NVML reports PCIe throughput in KB/s
  if (api_.pcie_throughput && s.slow_read_this_cycle) {
    s.pcie_transmit_bytes_per_second.reset();
    s.pcie_receive_bytes_per_second.reset();
    if (call(r, s, "nvmlDeviceGetPcieThroughput/tx",
             [&] { return api_.pcie_throughput(device, NVML_PCIE_UTIL_TX_BYTES, &value); })) {
      s.pcie_transmit_bytes_per_second = value * kKilobyte;
    }
    if (call(r, s, "nvmlDeviceGetPcieThroughput/rx",
             [&] { return api_.pcie_throughput(device, NVML_PCIE_UTIL_RX_BYTES, &value); })) {
      s.pcie_receive_bytes_per_second = value * kKilobyte;
    }
  }
  r.pcie_transmit_bytes_per_second = s.pcie_transmit_bytes_per_second;
  r.pcie_receive_bytes_per_second = s.pcie_receive_bytes_per_second;
  if (!api_.nvlink_state || s.unsupported.contains("nvlink")) return;
  for (unsigned link = 0; link < NVML_NVLINK_MAX_LINKS; ++link) {
    nvmlEnableState_t active{};
    nvmlReturn_t code = timed("nvmlDeviceGetNvLinkState", [&] { return api_.nvlink_state(device, link, &active); });
    if (code == NVML_ERROR_NOT_SUPPORTED || code == NVML_ERROR_INVALID_ARGUMENT) {
      if (link == 0) s.unsupported.insert("nvlink");  // no NVLink on this GPU at all
      break;                                           // past the last link
    }
    if (code != NVML_SUCCESS) {
      count_error(r.uuid, r.index, "nvmlDeviceGetNvLinkState", code);
      continue;
    }
    r.nvlinks.push_back(NvLinkReading{link, active == NVML_FEATURE_ENABLED, {}});
  }
}

}  // namespace ainode
