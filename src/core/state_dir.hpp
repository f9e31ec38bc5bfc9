#pragma once
// The one state directory (DESIGN.md: buffer, send positions, audit log).
#include <optional>
#include <string>

namespace ainode {

struct StateDir {
  std::string path;    // "" when no directory could be made writable
  std::string reason;  // why the fallback was taken, or why none works ("" = the configured one)
};

// `configured` non-empty: that directory, created if missing, or none.
// Empty: /var/lib/ainode when writable (root, the packaged unit), else
// $XDG_STATE_HOME/ainode, else ~/.local/state/ainode (non-root runs).
// `system_default` is a parameter so tests can point it somewhere unwritable.
StateDir resolve_state_dir(const std::string& configured, const std::string& system_default = "/var/lib/ainode");

}  // namespace ainode
