#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// /sys/devices/system/node/nodeN/meminfo: "Node 0 MemTotal:  131891676 kB"
// -> {"MemTotal": bytes}. Throws ParseError on a malformed line.
std::map<std::string, std::uint64_t> parse_node_meminfo(std::string_view text);

// "0-3,8,10-11" (cpulist) -> {0,1,2,3,8,10,11}. Throws ParseError.
std::vector<unsigned> parse_cpu_list(std::string_view text);

// /proc/interrupts: total interrupts per CPU column (index = column, in the
// order of the CPUn header). Lines with fewer counts (ERR, MIS) add to the
// first columns they have. Throws ParseError without a CPU header.
struct InterruptTotals {
  std::vector<unsigned> cpus;          // CPU numbers from the header
  std::vector<std::uint64_t> totals;   // same order
};
InterruptTotals parse_interrupts(std::string_view text);

}  // namespace ainode
