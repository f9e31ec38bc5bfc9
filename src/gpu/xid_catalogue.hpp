#pragma once
// NVIDIA's XID catalogue: what a code means, who is most likely at fault, and
// the action NVIDIA's "Analyzing Xid" catalogue recommends first
// (https://docs.nvidia.com/deploy/xid-errors/). Events, diagnostics and
// failure risk read the same table, so a code is explained one way everywhere.
#include <cstdint>
#include <string_view>

namespace ainode {

// Who NVIDIA's catalogue points at first.
enum class XidOrigin { hardware, driver, application, bus, memory, nvlink, thermal, informational, unknown };

// NVIDIA's immediate resolution buckets, in our words.
enum class XidAction {
  none,                 // informational on its own (IGNORE)
  restart_application,  // RESTART_APP
  reset_gpu,            // RESET_GPU
  reboot_node,          // RESTART_BM
  nvidia_workflow,      // WORKFLOW_XID_48 / WORKFLOW_NVLINK_ERR: follow NVIDIA's documented procedure
  check_application,    // usually a bug or bad input in the application
  contact_support,
};

struct XidInfo {
  std::uint32_t code;
  std::string_view meaning;
  XidOrigin origin;
  XidAction action;
};

// The entry for a code; codes the table does not know get meaning "unknown
// XID", origin unknown, action contact_support.
XidInfo xid_info(std::uint64_t code);

std::string_view to_string(XidOrigin origin);
std::string_view to_string(XidAction action);
// One sentence a person can act on.
std::string_view describe(XidAction action);

}  // namespace ainode
