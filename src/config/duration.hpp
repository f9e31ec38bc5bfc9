#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace ainode {

// Parses Prometheus-style durations: "500ms", "5s", "1m30s", "2h". A bare
// number is rejected so that "5" never silently means five milliseconds.
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration duration);

}  // namespace ainode
