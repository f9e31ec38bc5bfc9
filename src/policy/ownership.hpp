#pragma once
// What the policy engine changed on which GPU, and what was there before:
// one record per (GPU, knob), persisted in the state directory before the
// first change (so a crash, even kill -9, leaves enough to undo it on the
// next start) and removed once the original is back.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/gpu_setting.hpp"
#include "policy/ownership_parser.hpp"

namespace ainode {

class OwnershipStore {
 public:
  // `path` "" keeps records in memory only (and refuses nothing: the
  // controller refuses enforcement without a state directory).
  explicit OwnershipStore(std::string path);

  // Reads the file; nullopt on success or when it does not exist, else why
  // it cannot be used (the records are then empty and the file is kept).
  std::optional<std::string> load();
  const std::string& path() const { return path_; }

  const OwnedKnob* find(const std::string& uuid, Knob knob) const;
  std::vector<OwnedKnob> all() const;
  bool empty() const { return records_.empty(); }

  // Each write is persisted before it returns; nullopt = on disk.
  std::optional<std::string> put(const OwnedKnob& record);
  std::optional<std::string> remove(const std::string& uuid, Knob knob);

 private:
  std::optional<std::string> save() const;
  std::string path_;
  std::map<std::pair<std::string, Knob>, OwnedKnob> records_;
};

// Is the power limit the driver reports now still ours?
enum class OwnershipCheck {
  ours,             // what we set
  driver_reset,     // back at the board default, or a new driver/boot: our setting was lost, not overridden
  external_change,  // someone else set it: stop managing, do not fight
};
std::string_view to_string(OwnershipCheck check);

// `identity_changed`: the driver version or boot id differs from the
// record's. A limit back at the default counts as a reset only when we had
// set something else: an operator who writes exactly the default limit is
// indistinguishable from a driver reload (docs/policies.md says so).
OwnershipCheck check_power_ownership(const OwnedKnob& record, double current_watts, std::optional<double> default_watts,
                                     bool identity_changed);

}  // namespace ainode
