#pragma once
#include <optional>
#include <string_view>

namespace ainode {

// A thermal zone temperature or trip point attribute ("45000\n"), in
// millidegrees Celsius; negative values are legal (outdoor and cold-plate
// sensors). Throws ParseError on empty or non-integer text.
double parse_millicelsius(std::string_view text);

// "thermal_zone12" -> 12; nullopt for any other entry of /sys/class/thermal
// (cooling_deviceN, thermal_zone without a number), so zones can be ordered
// by number rather than by name (zone 10 after zone 9, not after zone 1).
std::optional<int> thermal_zone_number(std::string_view entry);

}  // namespace ainode
