#include "gpu/xid_catalogue.hpp"

#include <algorithm>
#include <array>

namespace ainode {

namespace {

using enum XidOrigin;
using A = XidAction;

// Sorted by code. Meanings follow NVIDIA's XID table; origins and actions
// follow its "Analyzing Xid" catalogue (immediate resolution).
constexpr std::array kXids{
    XidInfo{8, "GPU stopped processing", driver, A::reset_gpu},
    XidInfo{13, "graphics engine exception", application, A::check_application},
    XidInfo{31, "GPU memory page fault", application, A::check_application},
    XidInfo{32, "invalid or corrupted push buffer stream", bus, A::reset_gpu},
    XidInfo{38, "driver firmware error", driver, A::reset_gpu},
    XidInfo{43, "GPU stopped processing (channel reset by the driver)", application, A::check_application},
    XidInfo{44, "graphics engine fault during context switch", driver, A::reset_gpu},
    XidInfo{45, "preemptive cleanup after previous errors", informational, A::none},
    XidInfo{46, "GPU timeout", driver, A::reset_gpu},
    XidInfo{48, "double-bit ECC error", memory, A::nvidia_workflow},
    XidInfo{56, "display engine error", hardware, A::contact_support},
    XidInfo{57, "error programming video memory interface", hardware, A::contact_support},
    XidInfo{58, "unstable video memory interface detected", hardware, A::contact_support},
    XidInfo{61, "internal micro-controller breakpoint/warning", driver, A::reset_gpu},
    XidInfo{62, "internal micro-controller halt", hardware, A::reset_gpu},
    XidInfo{63, "ECC page retirement or row remapping recorded", informational, A::none},
    XidInfo{64, "ECC page retirement or row remapper recording failure", memory, A::reset_gpu},
    XidInfo{65, "video processor exception", driver, A::reset_gpu},
    XidInfo{68, "video decoder (NVDEC) exception", driver, A::restart_application},
    XidInfo{69, "graphics engine class error", application, A::check_application},
    XidInfo{73, "video encoder (NVENC) error", driver, A::restart_application},
    XidInfo{74, "NVLink error", nvlink, A::nvidia_workflow},
    XidInfo{79, "GPU has fallen off the bus", bus, A::reboot_node},
    XidInfo{81, "VGA subsystem error", hardware, A::contact_support},
    XidInfo{92, "high single-bit ECC error rate", informational, A::none},
    XidInfo{93, "non-fatal violation of provisioned InfoROM wear limit", hardware, A::contact_support},
    XidInfo{94, "contained ECC error", memory, A::restart_application},
    XidInfo{95, "uncontained ECC error", memory, A::reset_gpu},
    XidInfo{109, "context switch timeout", driver, A::reset_gpu},
    XidInfo{119, "GSP RPC timeout", driver, A::reset_gpu},
    XidInfo{120, "GSP error", driver, A::reset_gpu},
    XidInfo{121, "C2C link error", nvlink, A::reset_gpu},
    XidInfo{122, "SPI PMU RPC read failure", hardware, A::reset_gpu},
    XidInfo{123, "SPI PMU RPC write failure", hardware, A::reset_gpu},
    XidInfo{140, "unrecovered ECC error", memory, A::reset_gpu},
    XidInfo{143, "GPU initialization failure", hardware, A::reset_gpu},
    XidInfo{144, "NVLink: NETIR error", nvlink, A::nvidia_workflow},
    XidInfo{145, "NVLink: RLW error", nvlink, A::nvidia_workflow},
    XidInfo{146, "NVLink: TLW error", nvlink, A::nvidia_workflow},
    XidInfo{147, "NVLink: TREX error", nvlink, A::nvidia_workflow},
    XidInfo{148, "NVLink: NVLPW_CTRL error", nvlink, A::nvidia_workflow},
    XidInfo{149, "NVLink: NETIR error", nvlink, A::nvidia_workflow},
    XidInfo{150, "NVLink: MSE error", nvlink, A::nvidia_workflow},
    XidInfo{154, "GPU recovery action changed", informational, A::none},
};

static_assert(std::is_sorted(kXids.begin(), kXids.end(),
                             [](const XidInfo& a, const XidInfo& b) { return a.code < b.code; }));

}  // namespace

XidInfo xid_info(std::uint64_t code) {
  auto it = std::lower_bound(kXids.begin(), kXids.end(), code,
                             [](const XidInfo& info, std::uint64_t wanted) { return info.code < wanted; });
  if (it != kXids.end() && it->code == code) return *it;
  return XidInfo{static_cast<std::uint32_t>(code), "unknown XID", unknown, A::contact_support};
}

std::string_view to_string(XidOrigin origin) {
  switch (origin) {
    case hardware: return "hardware";
    case driver: return "driver";
    case application: return "application";
    case bus: return "bus";
    case memory: return "memory";
    case nvlink: return "nvlink";
    case thermal: return "thermal";
    case informational: return "informational";
    case unknown: break;
  }
  return "unknown";
}

std::string_view to_string(XidAction action) {
  switch (action) {
    case A::none: return "none";
    case A::restart_application: return "restart_application";
    case A::reset_gpu: return "reset_gpu";
    case A::reboot_node: return "reboot_node";
    case A::nvidia_workflow: return "nvidia_workflow";
    case A::check_application: return "check_application";
    case A::contact_support: break;
  }
  return "contact_support";
}

std::string_view describe(XidAction action) {
  switch (action) {
    case A::none: return "Informational on its own; watch for related XIDs (e.g. 63 with 94 or 64).";
    case A::restart_application: return "Restart the affected application; the GPU itself can stay in service.";
    case A::reset_gpu: return "Drain the GPU and reset it (nvidia-smi -r) once its workload has stopped.";
    case A::reboot_node: return "Drain the node and reboot it: the GPU is unreachable until then.";
    case A::nvidia_workflow:
      return "Follow NVIDIA's documented workflow for this XID (drain, collect nvidia-bug-report, reset, then "
             "check whether it recurs).";
    case A::check_application:
      return "Usually an application fault (illegal memory access, bad kernel): check the application's logs.";
    case A::contact_support: break;
  }
  return "Drain the GPU, collect nvidia-bug-report.sh output and contact NVIDIA support.";
}

}  // namespace ainode
