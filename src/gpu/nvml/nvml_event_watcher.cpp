#include "gpu/nvml/nvml_event_watcher.hpp"

namespace ainode {

namespace {
constexpr unsigned kWaitMilliseconds = 500;
// A full rescan also catches a GPU replaced by another while the count
// stayed the same.
constexpr std::chrono::seconds kRescanInterval{30};
constexpr unsigned long long kWanted = nvmlEventTypeSingleBitEccError | nvmlEventTypeDoubleBitEccError |
                                       nvmlEventTypePState | nvmlEventTypeXidCriticalError | nvmlEventTypeClock |
                                       nvmlEventTypePowerSourceChange | nvmlEventMigConfigChange |
                                       nvmlEventTypeGpuUnavailableError;
}  // namespace

std::string nvml_event_type_name(unsigned long long type) {
  static const std::map<unsigned long long, std::string> names = {
      {nvmlEventTypeSingleBitEccError, "single_bit_ecc"}, {nvmlEventTypeDoubleBitEccError, "double_bit_ecc"},
      {nvmlEventTypePState, "pstate"},                    {nvmlEventTypeXidCriticalError, "xid"},
      {nvmlEventTypeClock, "clock"},                      {nvmlEventTypePowerSourceChange, "power_source"},
      {nvmlEventMigConfigChange, "mig_config"},           {nvmlEventTypeGpuUnavailableError, "gpu_unavailable"}};
  auto found = names.find(type);
  return found != names.end() ? found->second : "other";
}

NvmlEventWatcher::NvmlEventWatcher(const NvmlApi& api, GpuEventLog& log) : api_(api), log_(log) {}

NvmlEventWatcher::~NvmlEventWatcher() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (set_ != nullptr && api_.event_set_free) api_.event_set_free(set_);
}

bool NvmlEventWatcher::start() {
  if (!api_.event_set_create || !api_.register_events || !api_.event_set_wait) {
    reason_ = "driver has no NVML event API";
    return false;
  }
  if (nvmlReturn_t code = api_.event_set_create(&set_); code != NVML_SUCCESS) {
    reason_ = "nvmlEventSetCreate: " + std::string(nvml_error_name(code));
    set_ = nullptr;
    return false;
  }
  register_new_devices();
  thread_ = std::thread([this] { run(); });
  return true;
}

void NvmlEventWatcher::register_new_devices() {
  next_rescan_ = std::chrono::steady_clock::now() + kRescanInterval;
  unsigned count = 0;
  if (api_.device_count(&count) != NVML_SUCCESS) return;
  last_device_count_ = count;
  for (unsigned i = 0; i < count; ++i) {
    nvmlDevice_t device = nullptr;
    if (api_.device_by_index(i, &device) != NVML_SUCCESS) continue;
    char buffer[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    if (!api_.uuid || api_.uuid(device, buffer, sizeof buffer) != NVML_SUCCESS) continue;
    std::string uuid = buffer;
    if (without_events_.contains(uuid)) continue;
    if (auto found = registered_.find(uuid); found != registered_.end() && found->second == device) continue;
    unsigned long long supported = kWanted;
    if (api_.supported_event_types && api_.supported_event_types(device, &supported) != NVML_SUCCESS) {
      supported = kWanted;  // let registration itself say what it refuses
    }
    if ((supported & kWanted) == 0) {
      without_events_.insert(uuid);
      continue;
    }
    nvmlReturn_t code = api_.register_events(device, supported & kWanted, set_);
    if (code == NVML_SUCCESS) {
      registered_[uuid] = device;
    } else if (code == NVML_ERROR_NOT_SUPPORTED) {
      without_events_.insert(uuid);
    }
    // Other errors (a GPU being reset): tried again at the next rescan.
  }
  registered_count_ = static_cast<unsigned>(registered_.size());
}

void NvmlEventWatcher::run() {
  while (!stopping_) {
    nvmlEventData_t data{};
    nvmlReturn_t code = api_.event_set_wait(set_, &data, kWaitMilliseconds);
    if (code == NVML_SUCCESS) {
      char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
      if (data.device != nullptr && api_.uuid) api_.uuid(data.device, uuid, sizeof uuid);
      std::string type = nvml_event_type_name(data.eventType);
      log_.record(GpuEvent{std::chrono::system_clock::now(), uuid, type, type == "xid" ? data.eventData : 0});
      continue;
    }
    if (code != NVML_ERROR_TIMEOUT) {
      // A failing wait must not spin: back off for one wait period.
      std::this_thread::sleep_for(std::chrono::milliseconds(kWaitMilliseconds));
    }
    unsigned count = 0;
    bool count_changed = api_.device_count(&count) == NVML_SUCCESS && count != last_device_count_;
    if (count_changed || std::chrono::steady_clock::now() >= next_rescan_) register_new_devices();
  }
}

}  // namespace ainode
