#pragma once
// The ownership file (<state.dir>/policy-ownership.json) read back: the
// records of what the policy engine changed, from a previous run possibly
// cut short by a crash. A file that does not parse is an error naming the
// file and the record, never an empty set: a record we cannot read may be a
// change we can no longer undo.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "policy/gpu_setting.hpp"

namespace ainode {

struct OwnedKnob {
  std::string uuid;
  unsigned gpu = 0;
  Knob knob = Knob::power_limit;
  GpuSetting original;  // before our first change
  GpuSetting set;       // what we set last (== original until the first change succeeds)
  std::string profile;
  // Who the GPU was when we set it: a different driver or boot means the
  // driver has reset the GPU since (settings do not survive either).
  std::string driver_version, boot_id;
  std::int64_t set_at_unix_seconds = 0;
};

// The records, or why the text is not an ownership file.
std::variant<std::vector<OwnedKnob>, std::string> parse_ownership_records(std::string_view text, const std::string& path);

// The file's text for `records` (what OwnershipStore writes).
std::string render_ownership_records(const std::vector<OwnedKnob>& records);

}  // namespace ainode
