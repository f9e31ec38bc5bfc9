#pragma once
#include <set>
#include <string>
#include <string_view>

namespace ainode {

// NVIDIA_VISIBLE_DEVICES-style selection: "" or "all" = every GPU,
// "none"/"void" = no GPU, else comma-separated indices and/or UUIDs
// ("GPU-..." or "MIG-...").
class DeviceFilter {
 public:
  static DeviceFilter parse(std::string_view spec);
  bool matches(unsigned index, const std::string& uuid) const;
  bool everything() const { return all_; }

 private:
  bool all_ = true;
  std::set<std::string> tokens_;
};

}  // namespace ainode
