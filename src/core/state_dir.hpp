#pragma once
// The state directory (state.dir): what must survive a restart lives here
// (audit log, remote-write buffer, policy ownership records, risk history).
#include <string>

namespace ainode {

struct StateDirectory {
  std::string path;
  std::string note;  // why a fallback was taken, "" when the configured or default one is used
};

// `configured` as given ("" = the default /var/lib/ainode). An explicit
// directory is used as it is (created if missing); the default falls back
// to $XDG_STATE_HOME/ainode, else ~/.local/state/ainode, when it cannot be
// created or written (a non-root run). Throws std::runtime_error naming
// state.dir when no usable directory is found.
StateDirectory resolve_state_directory(const std::string& configured);

}  // namespace ainode
