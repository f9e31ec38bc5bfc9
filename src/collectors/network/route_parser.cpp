#include "collectors/network/route_parser.hpp"

#include <cstdint>

#include "core/text.hpp"

namespace ainode {

std::optional<std::string> default_route_interface(std::string_view proc_net_route) {
  std::optional<std::string> best;
  std::int64_t best_metric = 0;
  for (auto line : text::lines(proc_net_route)) {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
    auto f = text::fields(line);
    if (f.size() < 8 || f[1] != "00000000" || f[7] != "00000000") continue;
    auto metric = text::to_i64(f[6]);
    if (!metric) continue;
    if (!best || *metric < best_metric) {
      best = std::string(f[0]);
      best_metric = *metric;
    }
  }
  return best;
}

}  // namespace ainode
