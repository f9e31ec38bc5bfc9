#pragma once
#include <string_view>

namespace ainode {

struct LoadAverage {
  double load1 = 0, load5 = 0, load15 = 0;
};

// "0.52 0.58 0.59 1/467 12345"; throws ParseError when one of the first
// three fields is not a finite non-negative number.
LoadAverage parse_loadavg(std::string_view text);

// "/proc/uptime": "12345.67 54321.00" -> seconds since boot; same rules.
double parse_uptime(std::string_view text);

}  // namespace ainode
