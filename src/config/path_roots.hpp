#pragma once
// --path.procfs, --path.sysfs and --path.rootfs must name directories when
// the agent starts: a typo would otherwise leave half the collectors failing
// every cycle behind a healthy-looking HTTP server. Checked at start-up, not
// while loading, so `config show` still explains a configuration meant for
// another machine (a DaemonSet's /host/proc).
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ainode {

// The first root that is not a directory, as an error naming where it was
// set (flag, variable or file:line, as load_config names them); nullopt when
// all three exist.
std::optional<std::string> check_path_roots(const std::vector<Setting>& settings, const LoadedConfig& loaded);

}  // namespace ainode
