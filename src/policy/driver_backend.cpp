// The real drivers behind the actuator: NVML's set calls and amdgpu's
// hwmon power1_cap. Nothing else in ainode writes GPU settings.
#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/host_fs.hpp"
#include "gpu/nvml/nvml_library.hpp"
#include "policy/actuator.hpp"

namespace ainode {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPermissionFix =
    "run the agent as root, or give its container CAP_SYS_ADMIN (NVML set calls need it); "
    "until then profiles run as if in dry_run";

ActuationResult outcome(ActuationCode code, std::string detail) {
  ActuationResult result;
  result.code = code;
  result.detail = std::move(detail);
  return result;
}

class NvmlBackend {
 public:
  explicit NvmlBackend(const std::string& path) : library_(path) {
    if (!library_.loaded()) {
      error_ = "cannot load " + path + ": " + library_.error();
      return;
    }
    if (library_.api().init == nullptr || library_.api().init() != NVML_SUCCESS) {
      error_ = "nvmlInit failed";
      return;
    }
    initialized_ = true;
  }
  ~NvmlBackend() {
    if (initialized_ && library_.api().shutdown) library_.api().shutdown();
  }

  ActuationResult apply(const ActuationRequest& request) {
    if (!initialized_) return outcome(ActuationCode::unsupported, error_);
    const NvmlApi& api = library_.api();
    nvmlDevice_t device = find(request.uuid);
    if (device == nullptr) return outcome(ActuationCode::failed, "no NVML device with uuid " + request.uuid);
    const GpuSetting& s = request.setting;
    nvmlReturn_t code = NVML_ERROR_NOT_SUPPORTED;
    const char* missing = nullptr;
    switch (s.knob) {
      case Knob::power_limit: {
        if (api.set_power_limit == nullptr) {
          missing = "nvmlDeviceSetPowerManagementLimit";
          break;
        }
        auto milliwatts = static_cast<unsigned>(std::lround(s.watts * 1000));
        // Bounded by the device's own constraints before the driver is asked.
        unsigned low = 0, high = 0;
        if (api.power_limit_constraints && api.power_limit_constraints(device, &low, &high) == NVML_SUCCESS &&
            (milliwatts < low || milliwatts > high)) {
          return outcome(ActuationCode::failed, "refused: " + std::to_string(milliwatts / 1000.0) +
                                                    "W is outside the constraints " + std::to_string(low / 1000) + "-" +
                                                    std::to_string(high / 1000) + "W");
        }
        code = api.set_power_limit(device, milliwatts);
        break;
      }
      case Knob::locked_clocks:
        if (s.reset) {
          if ((missing = api.reset_gpu_locked_clocks ? nullptr : "nvmlDeviceResetGpuLockedClocks") == nullptr) {
            code = api.reset_gpu_locked_clocks(device);
          }
        } else if ((missing = api.set_gpu_locked_clocks ? nullptr : "nvmlDeviceSetGpuLockedClocks") == nullptr) {
          code = api.set_gpu_locked_clocks(device, s.first_mhz, s.second_mhz);
        }
        break;
      case Knob::memory_locked_clocks:
        if (s.reset) {
          if ((missing = api.reset_memory_locked_clocks ? nullptr : "nvmlDeviceResetMemoryLockedClocks") == nullptr) {
            code = api.reset_memory_locked_clocks(device);
          }
        } else if ((missing = api.set_memory_locked_clocks ? nullptr : "nvmlDeviceSetMemoryLockedClocks") == nullptr) {
          code = api.set_memory_locked_clocks(device, s.first_mhz, s.second_mhz);
        }
        break;
      case Knob::application_clocks:
        if (s.reset) {
          if ((missing = api.reset_applications_clocks ? nullptr : "nvmlDeviceResetApplicationsClocks") == nullptr) {
            code = api.reset_applications_clocks(device);
          }
        } else if ((missing = api.set_applications_clocks ? nullptr : "nvmlDeviceSetApplicationsClocks") == nullptr) {
          code = api.set_applications_clocks(device, s.first_mhz, s.second_mhz);
        }
        break;
    }
    if (missing) return outcome(ActuationCode::unsupported, std::string("the driver has no ") + missing);
    std::string name(nvml_error_name(code));
    if (code == NVML_SUCCESS) return outcome(ActuationCode::applied, "");
    if (code == NVML_ERROR_NO_PERMISSION) return outcome(ActuationCode::no_permission, name + ": " + kPermissionFix);
    if (code == NVML_ERROR_NOT_SUPPORTED) return outcome(ActuationCode::unsupported, name);
    return outcome(ActuationCode::failed, name);
  }

 private:
  nvmlDevice_t find(const std::string& uuid) {
    const NvmlApi& api = library_.api();
    unsigned count = 0;
    if (!api.device_count || !api.device_by_index || !api.uuid || api.device_count(&count) != NVML_SUCCESS) return nullptr;
    for (unsigned i = 0; i < count; ++i) {
      nvmlDevice_t device = nullptr;
      char text[96] = {};
      if (api.device_by_index(i, &device) != NVML_SUCCESS) continue;
      if (api.uuid(device, text, sizeof text) == NVML_SUCCESS && uuid == text) return device;
    }
    return nullptr;
  }

  NvmlLibrary library_;
  bool initialized_ = false;
  std::string error_;
};

// amdgpu: hwmon's power1_cap in microwatts, bounded by power1_cap_min/max.
class AmdPowerCapBackend {
 public:
  explicit AmdPowerCapBackend(std::string sysfs) : sysfs_(std::move(sysfs)) {}

  ActuationResult apply(const ActuationRequest& request) {
    if (request.setting.knob != Knob::power_limit) {
      return outcome(ActuationCode::unsupported, "amdgpu: only the power cap (power1_cap) can be set");
    }
    auto hwmon = hwmon_of(request.pci_bus_id);
    if (hwmon.empty()) return outcome(ActuationCode::unsupported, "amdgpu: no hwmon for " + request.pci_bus_id);
    fs::path cap = hwmon / "power1_cap";
    if (::access(cap.c_str(), F_OK) != 0) return outcome(ActuationCode::unsupported, cap.string() + ": absent");
    if (::access(cap.c_str(), W_OK) != 0) {
      return outcome(errno == EACCES ? ActuationCode::no_permission : ActuationCode::unsupported,
                     cap.string() + ": not writable (" + std::strerror(errno) + "); run the agent as root");
    }
    auto microwatts = static_cast<long long>(std::llround(request.setting.watts * 1e6));
    auto low = HostFs::try_read_int(hwmon / "power1_cap_min");
    auto high = HostFs::try_read_int(hwmon / "power1_cap_max");
    if ((low && microwatts < *low) || (high && microwatts > *high)) {
      return outcome(ActuationCode::failed, "refused: outside power1_cap_min..power1_cap_max");
    }
    std::ofstream out(cap);
    out << microwatts << "\n";
    out.flush();
    if (!out) return outcome(ActuationCode::failed, cap.string() + ": write failed: " + std::strerror(errno));
    return outcome(ActuationCode::applied, "");
  }

 private:
  // The card whose device link resolves to this PCI address.
  fs::path hwmon_of(const std::string& pci_bus_id) {
    fs::path drm = fs::path(sysfs_) / "class/drm";
    for (const auto& card : HostFs::list(drm)) {
      if (!card.starts_with("card") || card.find('-') != std::string::npos) continue;
      std::error_code error;
      fs::path device = fs::canonical(drm / card / "device", error);
      if (error || device.filename().string() != pci_bus_id) continue;
      auto hwmons = HostFs::list(drm / card / "device/hwmon");
      if (!hwmons.empty()) return drm / card / "device/hwmon" / hwmons.front();
    }
    return {};
  }
  std::string sysfs_;
};

class DriverBackend : public ActuatorBackend {
 public:
  DriverBackend(std::string nvml_library, std::string sysfs)
      : nvml_library_(std::move(nvml_library)), amd_(std::move(sysfs)) {}

  ActuationResult apply(const ActuationRequest& request) override {
    if (request.vendor == "amd") return amd_.apply(request);
    if (!nvml_) nvml_ = std::make_unique<NvmlBackend>(nvml_library_);
    return nvml_->apply(request);
  }

 private:
  std::string nvml_library_;
  std::unique_ptr<NvmlBackend> nvml_;
  AmdPowerCapBackend amd_;
};

}  // namespace

std::unique_ptr<ActuatorBackend> make_driver_backend(const std::string& nvml_library, const std::string& sysfs) {
  return std::make_unique<DriverBackend>(nvml_library, sysfs);
}

}  // namespace ainode
