#pragma once
#include <array>
#include <cstdint>
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

// The two header lines (no ':') are skipped, so are blank lines. Throws
// ParseError on a device line without exactly 16 numeric counters or without
// a name: the kernel writes the file whole, so a bad line means a bad file.
std::vector<NetDevStats> parse_net_dev(std::string_view text);

}  // namespace ainode
