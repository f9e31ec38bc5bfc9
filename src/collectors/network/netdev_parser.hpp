#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// /proc/net/dev: per interface, 8 receive and 8 transmit counters in the
// order of the header (bytes packets errs drop fifo frame compressed
// multicast | bytes packets errs drop fifo colls carrier compressed).
struct NetDevStats {
  std::string device;
  std::array<std::uint64_t, 8> receive{};
  std::array<std::uint64_t, 8> transmit{};
};
inline constexpr std::array<const char*, 8> kNetDevReceiveFields = {"bytes", "packets", "errors", "drop",
                                                                    "fifo",  "frame",   "compressed", "multicast"};
inline constexpr std::array<const char*, 8> kNetDevTransmitFields = {"bytes", "packets", "errors",  "drop",
                                                                     "fifo",  "colls",   "carrier", "compressed"};

// Throws ParseError on a device line without 16 numeric counters.
std::vector<NetDevStats> parse_net_dev(std::string_view text);

// /proc/net/snmp and /proc/net/netstat: pairs of lines "Proto: names..." and
// "Proto: values...". Returns protocol -> name -> value. Throws ParseError
// when a pair's name and value counts differ. Values may be negative
// (Tcp MaxConn is -1), hence signed.
using ProtocolCounters = std::map<std::string, std::map<std::string, std::int64_t, std::less<>>, std::less<>>;
ProtocolCounters parse_protocol_counters(std::string_view text);

// /proc/net/route: the interface of the default route (destination
// 00000000, lowest metric), or nullopt.
std::optional<std::string> default_route_interface(std::string_view proc_net_route);

}  // namespace ainode
