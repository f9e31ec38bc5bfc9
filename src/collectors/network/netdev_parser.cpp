#include "collectors/network/netdev_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::vector<NetDevStats> parse_net_dev(std::string_view text) {
  std::vector<NetDevStats> out;
  for (auto line : text::lines(text)) {
    // Interface names cannot contain ':' (dev_valid_name), so the first one
    // ends the name even when no space follows it ("eth0:123 ...").
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    NetDevStats stats;
    stats.device = std::string(text::trim(line.substr(0, colon)));
    auto fields = text::fields(line.substr(colon + 1));
    if (stats.device.empty() || fields.size() != 16) {
      throw ParseError("net/dev: expected a name and 16 counters, got '" + std::string(line.substr(0, 60)) + "'");
    }
    for (std::size_t i = 0; i < 8; ++i) {
      stats.receive[i] = text::require_u64(fields[i], "net/dev counter");
      stats.transmit[i] = text::require_u64(fields[8 + i], "net/dev counter");
    }
    out.push_back(std::move(stats));
  }
  return out;
}

}  // namespace ainode
