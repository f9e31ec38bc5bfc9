#include "collectors/gpu/gpu_collector.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "collectors/gpu/gpu_allocation_metrics.hpp"
#include "collectors/gpu/gpu_metrics.hpp"
#include "collectors/gpu/gpu_status.hpp"
#include "gpu/amdgpu/amdgpu_reader.hpp"

namespace ainode {

namespace {
// Without NVML, try loading again every this many cycles: a driver installed
// after the agent started is picked up without a restart.
constexpr std::size_t kRetryCycles = 60;

std::string from_environment(const std::string& configured, const char* variable) {
  if (!configured.empty()) return configured;
  const char* value = std::getenv(variable);
  return value != nullptr ? value : "";
}

std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}
}  // namespace

GpuCollector::GpuCollector(const GpuConfig& config, GpuKubernetes kubernetes)
    : config_(config),
      visible_(DeviceFilter::parse(from_environment(config.visible_devices, "NVIDIA_VISIBLE_DEVICES"))),
      mig_devices_(DeviceFilter::parse(from_environment(config.mig_config_devices, "NVIDIA_MIG_CONFIG_DEVICES"))),
      kubernetes_(std::move(kubernetes)),
      pods_(kubernetes_.attribute_processes ? std::make_unique<PodAttributor>() : nullptr) {}

GpuCollector::~GpuCollector() {
  watcher_.reset();  // stop the event thread before NVML goes away
  if (initialized_ && library_->api().shutdown) library_->api().shutdown();
}

std::vector<const MetricDesc*> GpuCollector::describe() const {
  auto descriptors = gpu_metric_descriptors();
  descriptors.push_back(&gpu_allocation_info_descriptor());
  return descriptors;
}

bool GpuCollector::ensure_nvml(CollectContext& context) {
  if (initialized_) return true;
  if (cycles_until_retry_ > 0) {
    --cycles_until_retry_;
    return false;
  }
  bool first_attempt = unavailable_reason_.empty();
  cycles_until_retry_ = kRetryCycles;
  library_ = std::make_unique<NvmlLibrary>(config_.nvml_library);
  if (!library_->loaded()) {
    unavailable_reason_ = "NVML not available: " + library_->error();
  } else if (nvmlReturn_t code = library_->api().init(); code != NVML_SUCCESS) {
    unavailable_reason_ = "nvmlInit failed: " + std::string(nvml_error_name(code));
  } else {
    initialized_ = true;
    const NvmlApi& api = library_->api();
    char version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
    if (api.system_driver_version && api.system_driver_version(version, sizeof version) == NVML_SUCCESS) {
      driver_version_ = version;
    }
    int cuda = 0;
    if (api.system_cuda_driver_version && api.system_cuda_driver_version(&cuda) == NVML_SUCCESS) {
      cuda_version_ = cuda_version_string(cuda);
    }
    NvmlSamplerOptions options;
    options.enable_mig = config_.enable_mig;
    options.max_processes = static_cast<std::size_t>(config_.max_processes);
    options.slow_read_interval = config_.slow_read_interval;
    sampler_ = std::make_unique<NvmlSampler>(api, options, events_);
    if (config_.enable_events) {
      watcher_ = std::make_unique<NvmlEventWatcher>(api, events_);
      if (!watcher_->start()) {
        events_status_ = "off: " + watcher_->reason();
        watcher_.reset();
      }
    } else {
      events_status_ = "off (gpu.enable_events = false)";
    }
    return true;
  }
  // Said once, not every cycle: the reason stays visible in /v1/status. A
  // node without the default library simply has no NVIDIA driver (info); a
  // library configured by path, or one that loads but fails to initialize,
  // is a configured integration that is missing (warning).
  if (first_attempt) {
    bool default_library = config_.nvml_library == GpuConfig{}.nvml_library;
    bool quiet = default_library && !library_->loaded();
    context.notice(quiet ? NoticeLevel::info : NoticeLevel::warning, unavailable_reason_);
  }
  return false;
}

void GpuCollector::collect(CollectContext& context, MetricSet& out) {
  std::vector<GpuReading> gpus;
  bool nvml = ensure_nvml(context);
  if (nvml) {
    auto wanted = [this](unsigned index, const std::string& uuid) { return visible_.matches(index, uuid); };
    for (auto& reading : sampler_->sample(context.fs, wanted)) {
      if (!mig_devices_.matches(reading.index, reading.uuid)) reading.mig_devices.clear();
      gpus.push_back(std::move(reading));
    }
  }
  if (config_.enable_amd) read_amd(context, gpus);
  attribute(context, gpus, out);
  GpuEventLog::Counts events;
  if (nvml) {
    events = events_.snapshot();
    if (!sampler_->hidden().empty()) remove_events_of(sampler_->hidden(), events);
  }
  static const std::map<NvmlErrorKey, std::uint64_t> no_errors;
  static const std::map<NvmlCallKey, std::uint64_t> no_slow_calls;
  add_gpu_metrics(GpuMetricInputs{gpus, events, nvml ? sampler_->errors() : no_errors,
                                  nvml ? sampler_->slow_calls() : no_slow_calls, driver_version_, cuda_version_,
                                  config_.k8s_mode},
                  out);
  // The per-GPU section (hundreds of JSON nodes on 8 GPUs) is built only if
  // this snapshot's /v1/status is read; what needs the collector's own state
  // or the filesystem is taken now.
  nlohmann::json nvml_section =
      nvml ? nvml_status() : nlohmann::json{{"available", false}, {"reason", unavailable_reason_}};
  context.set_details_lazily([gpus = std::move(gpus), events = std::move(events), nvml_section = std::move(nvml_section),
                              dri = dri_devices_json(context.fs)] {
    nlohmann::json details = gpu_status_json(gpus, events);
    details["nvml"] = nvml_section;
    details["dri"] = dri;
    return details;
  });
}

void GpuCollector::read_amd(CollectContext& context, std::vector<GpuReading>& gpus) {
  std::vector<std::string> problems;
  auto first_index = static_cast<unsigned>(gpus.size());
  for (auto& reading : read_amd_gpus(context.fs, first_index, problems)) {
    if (visible_.matches(reading.index, reading.uuid)) gpus.push_back(std::move(reading));
  }
  // A file with garbage stays garbage for a while: said when the set changes.
  std::string said;
  for (const auto& problem : problems) said += problem + "; ";
  if (!said.empty() && said != amd_problems_said_) context.warn("amdgpu: " + said);
  amd_problems_said_ = said;
}

nlohmann::json GpuCollector::nvml_status() const {
  nlohmann::json status = {{"available", true},
                           {"library", config_.nvml_library},
                           {"driver_version", driver_version_},
                           {"cuda_version", cuda_version_},
                           {"events", watcher_ ? "watching " + std::to_string(watcher_->registered_devices()) + " GPUs"
                                               : events_status_},
                           {"symbol_fallbacks", library_->fallbacks()},
                           {"last_slow_call", nullptr}};
  if (const auto& slow = sampler_->last_slow_call()) {
    status["last_slow_call"] = {
        {"uuid", slow->key.uuid},
        {"gpu", slow->key.index},
        {"call", slow->key.call},
        {"seconds", slow->seconds},
        {"returned_unix", std::chrono::duration<double>(slow->returned_at.time_since_epoch()).count()}};
  }
  status["costliest_calls"] = costliest_calls_json(sampler_->call_costs());
  return status;
}

void GpuCollector::attribute(CollectContext& context, std::vector<GpuReading>& gpus, MetricSet& out) {
  if (pods_) {
    pods_->begin_cycle(context.fs, context.monotonic_time);
    for (auto& gpu : gpus) {
      for (auto& process : gpu.processes) {
        PodRef pod = pods_->attribute(context.fs, static_cast<int>(process.pid));
        process.namespace_name = std::move(pod.namespace_name);
        process.pod = std::move(pod.pod);
        process.container = std::move(pod.container);
      }
    }
  }
  if (!kubernetes_.pod_resources) return;
  auto state = kubernetes_.pod_resources->latest();
  if (!state->list) return;
  GpuAllocations allocations = map_gpu_allocations(*state->list, state->allocatable, kubernetes_.gpu_resources);
  for (auto& gpu : gpus) {
    const auto* holders = allocations.find(gpu.uuid);
    if (holders == nullptr && !gpu.pci_bus_id.empty()) holders = allocations.find(gpu.pci_bus_id);
    if (holders) {
      add_allocation_info(gpu, "", *holders, out);
      if (kubernetes_.pod_labels) gpu.owner = sole_owner(*holders);
    }
    for (auto& mig : gpu.mig_devices) {
      if (const auto* mig_holders = allocations.find(mig.uuid)) {
        add_allocation_info(gpu, mig.uuid, *mig_holders, out);
        if (kubernetes_.pod_labels) mig.owner = sole_owner(*mig_holders);
      }
    }
  }
}

}  // namespace ainode
