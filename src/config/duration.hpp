#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace ainode {

// Parses Prometheus-style durations: "500ms", "5s", "1m30s", "2h". A bare
// number is rejected so that "5" never silently means five milliseconds;
// a bare "0" is accepted, since zero is zero in every unit and settings
// document 0 as "off" or "every cycle" (Prometheus accepts it too).
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration duration);

}  // namespace ainode
