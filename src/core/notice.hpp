#pragma once
// A fact about the host that a collector says once (it remembers having
// said it) and the agent writes to its log at the given level: "NVML not
// available" on a node without NVIDIA GPUs is news for the operator, not a
// per-cycle warning to hide at debug level.
#include <string>

namespace ainode {

enum class NoticeLevel { info, warning };

struct Notice {
  NoticeLevel level = NoticeLevel::info;
  std::string message;
};

}  // namespace ainode
