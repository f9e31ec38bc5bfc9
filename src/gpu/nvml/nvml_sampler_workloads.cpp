// The parts of NvmlSampler that read what runs on a GPU: processes and MIG
// partitions.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "core/text.hpp"
#include "gpu/nvml/nvml_sampler.hpp"

namespace ainode {

namespace {

constexpr double kPercent = 100.0;
constexpr unsigned kNoInstance = 0xFFFFFFFF;  // NVML's "not in a MIG instance"

std::string process_name(const HostFs& fs, std::uint32_t pid) {
  auto comm = HostFs::try_read_line(fs.proc(std::to_string(pid) + "/comm"));
  return comm ? std::string(text::trim(*comm)) : "";
}

// Fills `out` from a _v3 running-processes call, growing the buffer when
// NVML says it is too small (processes can start between two calls).
// `attempt` runs one call (so that the caller can time it).
nvmlReturn_t list_processes(nvmlReturn_t (*function)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*),
                            nvmlDevice_t device, std::vector<nvmlProcessInfo_t>& out,
                            const std::function<nvmlReturn_t(const std::function<nvmlReturn_t()>&)>& attempt_call) {
  unsigned count = 64;
  for (int attempt = 0; attempt < 3; ++attempt) {
    out.resize(count);
    unsigned capacity = count;
    nvmlReturn_t code = attempt_call([&] { return function(device, &capacity, out.data()); });
    if (code == NVML_SUCCESS) {
      out.resize(capacity);
      return code;
    }
    if (code != NVML_ERROR_INSUFFICIENT_SIZE) return code;
    count = capacity + 16;
  }
  return NVML_ERROR_INSUFFICIENT_SIZE;
}

// nvidia-smi's MIG profile names, "<GPU instance slices>g.<memory GB>gb",
// with the memory rounded up (9856 MiB -> 10gb, 40192 MiB -> 40gb).
std::string mig_profile_name(unsigned slices, unsigned long long memory_mib) {
  auto gigabytes = static_cast<unsigned long long>(std::ceil(static_cast<double>(memory_mib) / 1024.0));
  return std::to_string(slices) + "g." + std::to_string(gigabytes) + "gb";
}

}  // namespace

void NvmlSampler::read_processes(nvmlDevice_t device, GpuReading& r, DeviceState& s, const HostFs& fs) {
  std::map<std::uint32_t, GpuProcessReading> by_pid;
  auto collect = [&](const char* name, auto function, const char* type) {
    if (!function || s.lost || s.unsupported.contains(name)) return;
    std::vector<nvmlProcessInfo_t> infos;
    nvmlReturn_t code =
        list_processes(function, device, infos, [&](const std::function<nvmlReturn_t()>& f) { return timed(name, f); });
    if (!handle(r, s, name, code)) return;
    for (const auto& info : infos) {
      GpuProcessReading& p = by_pid[info.pid];
      p.pid = info.pid;
      p.type = p.type.empty() ? type : "compute+graphics";
      // NVML_VALUE_NOT_AVAILABLE (all ones) when memory use is unknown.
      if (info.usedGpuMemory != NVML_VALUE_NOT_AVAILABLE) p.memory_bytes = static_cast<double>(info.usedGpuMemory);
      if (info.gpuInstanceId != kNoInstance) p.gpu_instance = info.gpuInstanceId;
      if (info.computeInstanceId != kNoInstance) p.compute_instance = info.computeInstanceId;
    }
  };
  collect("nvmlDeviceGetComputeRunningProcesses", api_.compute_processes, "compute");
  collect("nvmlDeviceGetGraphicsRunningProcesses", api_.graphics_processes, "graphics");

  if (api_.process_utilization && !by_pid.empty() && !s.unsupported.contains("nvmlDeviceGetProcessUtilization")) {
    unsigned count = 0;
    const char* name = "nvmlDeviceGetProcessUtilization";
    nvmlReturn_t code =
        timed(name, [&] { return api_.process_utilization(device, nullptr, &count, s.last_process_sample); });
    if (code == NVML_ERROR_INSUFFICIENT_SIZE && count > 0) {
      std::vector<nvmlProcessUtilizationSample_t> samples(count);
      code = timed(name, [&] { return api_.process_utilization(device, samples.data(), &count, s.last_process_sample); });
      if (code == NVML_SUCCESS) {
        samples.resize(count);
        // The driver's buffer holds several samples per process, in no
        // promised order: each process gets its newest one.
        std::map<std::uint32_t, unsigned long long> newest;
        for (const auto& sample : samples) {
          s.last_process_sample = std::max(s.last_process_sample, sample.timeStamp);
          auto found = by_pid.find(sample.pid);
          if (found == by_pid.end()) continue;
          auto [seen, first] = newest.try_emplace(sample.pid, sample.timeStamp);
          if (!first && sample.timeStamp < seen->second) continue;
          seen->second = sample.timeStamp;
          found->second.sm_utilization_ratio = sample.smUtil / kPercent;
        }
      }
    }
    // NOT_FOUND: no samples since the last timestamp; that is not an error.
    if (code != NVML_SUCCESS && code != NVML_ERROR_NOT_FOUND && code != NVML_ERROR_INSUFFICIENT_SIZE) {
      handle(r, s, name, code);
    }
  }

  std::vector<GpuProcessReading> processes;
  for (auto& [pid, p] : by_pid) {
    p.name = process_name(fs, pid);
    processes.push_back(std::move(p));
  }
  // Bounded cardinality: the largest users of memory, ties by pid.
  std::sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) {
    if (a.memory_bytes.value_or(0) != b.memory_bytes.value_or(0)) return a.memory_bytes.value_or(0) > b.memory_bytes.value_or(0);
    return a.pid < b.pid;
  });
  if (processes.size() > options_.max_processes) processes.resize(options_.max_processes);
  std::sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) { return a.pid < b.pid; });
  r.processes = std::move(processes);
}

void NvmlSampler::read_mig(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  unsigned current = 0, pending = 0;
  if (!api_.mig_mode || !call(r, s, "nvmlDeviceGetMigMode", [&] { return api_.mig_mode(device, &current, &pending); })) {
    return;
  }
  r.mig_enabled = current == 1;
  r.mig_enabled_pending = pending == 1;
  if (!r.mig_enabled.value() || !api_.max_mig_device_count || !api_.mig_device_by_index) return;
  unsigned max_devices = 0;
  if (!call(r, s, "nvmlDeviceGetMaxMigDeviceCount", [&] { return api_.max_mig_device_count(device, &max_devices); })) {
    return;
  }
  if (max_devices > 0) r.mig_max_devices = max_devices;
  for (unsigned i = 0; i < max_devices; ++i) {
    nvmlDevice_t mig = nullptr;
    const char* name = "nvmlDeviceGetMigDeviceHandleByIndex";
    nvmlReturn_t code = timed(name, [&] { return api_.mig_device_by_index(device, i, &mig); });
    if (code == NVML_ERROR_NOT_FOUND || code == NVML_ERROR_INVALID_ARGUMENT) continue;  // empty slot
    if (!handle(r, s, name, code)) continue;
    MigDeviceReading m;
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    if (api_.uuid && call(r, s, "nvmlDeviceGetUUID", [&] { return api_.uuid(mig, uuid, sizeof uuid); })) m.uuid = uuid;
    if (api_.gpu_instance_id) call(r, s, "nvmlDeviceGetGpuInstanceId", [&] { return api_.gpu_instance_id(mig, &m.gpu_instance); });
    if (api_.compute_instance_id) {
      call(r, s, "nvmlDeviceGetComputeInstanceId", [&] { return api_.compute_instance_id(mig, &m.compute_instance); });
    }
    nvmlDeviceAttributes_t attributes{};
    if (api_.device_attributes &&
        call(r, s, "nvmlDeviceGetAttributes_v2", [&] { return api_.device_attributes(mig, &attributes); })) {
      m.sm_count = attributes.multiprocessorCount;
      m.gpu_instance_slices = attributes.gpuInstanceSliceCount;
      m.compute_instance_slices = attributes.computeInstanceSliceCount;
      m.profile = mig_profile_name(attributes.gpuInstanceSliceCount, attributes.memorySizeMB);
    }
    nvmlMemory_v2_t memory{};
    memory.version = nvmlMemory_v2;
    if (api_.memory_info_v2 && call(r, s, "nvmlDeviceGetMemoryInfo_v2", [&] { return api_.memory_info_v2(mig, &memory); })) {
      m.memory_total_bytes = static_cast<double>(memory.total);
      m.memory_used_bytes = static_cast<double>(memory.used);
    }
    nvmlGpuInstance_t instance = nullptr;
    if (api_.gpu_instance_by_id && api_.gpu_instance_info &&
        call(r, s, "nvmlDeviceGetGpuInstanceById",
             [&] { return api_.gpu_instance_by_id(device, m.gpu_instance, &instance); })) {
      nvmlGpuInstanceInfo_t info{};
      if (call(r, s, "nvmlGpuInstanceGetInfo", [&] { return api_.gpu_instance_info(instance, &info); })) {
        m.gpu_instance_profile_id = info.profileId;
        m.placement_start = info.placement.start;
        m.placement_size = info.placement.size;
      }
      nvmlComputeInstance_t compute = nullptr;
      if (api_.compute_instance_by_id && api_.compute_instance_info &&
          call(r, s, "nvmlGpuInstanceGetComputeInstanceById",
               [&] { return api_.compute_instance_by_id(instance, m.compute_instance, &compute); })) {
        nvmlComputeInstanceInfo_t ci{};
        if (call(r, s, "nvmlComputeInstanceGetInfo_v2", [&] { return api_.compute_instance_info(compute, &ci); })) {
          m.compute_instance_profile_id = ci.profileId;
        }
      }
    }
    r.mig_devices.push_back(std::move(m));
  }
}

}  // namespace ainode
