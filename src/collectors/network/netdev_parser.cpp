#include "collectors/network/netdev_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::vector<NetDevStats> parse_net_dev(std::string_view text) {
  std::vector<NetDevStats> out;
  for (auto line : text::lines(text)) {
    auto colon = line.find(':');
    // The two header lines contain '|' and no ':'.
    if (colon == std::string_view::npos) continue;
    NetDevStats stats;
    stats.device = std::string(text::trim(line.substr(0, colon)));
    auto fields = text::fields(line.substr(colon + 1));
    if (stats.device.empty() || fields.size() != 16) {
      throw ParseError("net/dev: malformed line for '" + stats.device + "'");
    }
    for (std::size_t i = 0; i < 8; ++i) {
      stats.receive[i] = text::require_u64(fields[i], "net/dev counter");
      stats.transmit[i] = text::require_u64(fields[8 + i], "net/dev counter");
    }
    out.push_back(std::move(stats));
  }
  return out;
}

ProtocolCounters parse_protocol_counters(std::string_view text) {
  ProtocolCounters out;
  auto lines = text::lines(text);
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    auto names = text::fields(lines[i]);
    auto values = text::fields(lines[i + 1]);
    if (names.empty() || values.empty() || names[0] != values[0] || !names[0].ends_with(':')) {
      throw ParseError("protocol counters: unpaired lines near '" + std::string(lines[i].substr(0, 30)) + "'");
    }
    if (names.size() != values.size()) {
      throw ParseError("protocol counters: " + std::string(names[0]) + " has " + std::to_string(names.size()) +
                       " names but " + std::to_string(values.size()) + " values");
    }
    auto& protocol = out[std::string(names[0].substr(0, names[0].size() - 1))];
    for (std::size_t k = 1; k < names.size(); ++k) protocol[std::string(names[k])] = text::require_i64(values[k], names[k]);
  }
  if (lines.size() % 2 != 0 && !text::trim(lines.back()).empty()) {
    throw ParseError("protocol counters: header line without values");
  }
  return out;
}

std::optional<std::string> default_route_interface(std::string_view proc_net_route) {
  std::optional<std::string> best;
  std::int64_t best_metric = 0;
  bool header = true;
  for (auto line : text::lines(proc_net_route)) {
    if (header) {
      header = false;
      continue;
    }
    auto f = text::fields(line);
    // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
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
