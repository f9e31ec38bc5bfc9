#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

// "temp1_input" -> {"temp", 1, "input"}; "in0_average" -> {"in", 0, "average"}.
// nullopt for files that are not sensor attributes ("name", "uevent", ...).
struct HwmonAttribute {
  std::string type;
  unsigned index = 0;
  std::string item;
};
std::optional<HwmonAttribute> parse_hwmon_attribute(std::string_view file_name);

// Chip label value: the device link's last component ("coretemp.0",
// "0000:c1:00.0"), which stays the same across reboots unlike hwmonN, made
// label-safe; the driver name when there is no device link.
std::string hwmon_chip_id(const std::optional<std::string>& device_link_target, std::string_view driver_name);

}  // namespace ainode
