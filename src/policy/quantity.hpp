#pragma once
// Quantities written in profile files: watts, bytes, percentages and times
// of day. Each returns the value or a message saying what to write instead,
// so the parser can report it with the file, line and key.
//
// Watts are written as a number immediately followed by an uppercase W
// ("250W", "87.5W"): the SI symbol, as nvidia-smi prints it. "250 W" and
// "250w" are refused with a hint rather than guessed, because a policy that
// changes the machine must never run on a misread value. Watts are positive.
#include <string>
#include <string_view>
#include <variant>

#include "policy/profile.hpp"

namespace ainode {

template <class T>
using QuantityResult = std::variant<T, std::string>;  // the value, or why not

// "250W" -> 250. With `bare_allowed`, a plain number ("250") is watts too:
// for keys whose name carries the unit (floor_watts) and for thresholds of
// power signals.
QuantityResult<double> parse_watts(std::string_view text, bool bare_allowed);

// "40GiB", "512MiB", "8GB", "1000000" (bytes). SI (kB, MB, GB, TB = 1000^n)
// and IEC (KiB, MiB, GiB, TiB = 1024^n) units, case as written here.
QuantityResult<double> parse_bytes(std::string_view text);

// "60%" -> 60; 0 < p <= 100.
QuantityResult<double> parse_percent(std::string_view text);

// "22:00-06:00" (24-hour clock, local time, end exclusive, may wrap past
// midnight; start and end must differ).
QuantityResult<TimeOfDayRange> parse_time_of_day_range(std::string_view text);

}  // namespace ainode
