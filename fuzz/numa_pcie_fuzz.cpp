// libFuzzer target: NUMA (node meminfo, cpulist, /proc/interrupts) and PCIe
// sysfs parsers return or throw ParseError on any input, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/numa/numa_parser.hpp"
#include "collectors/pcie/pcie_parser.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ainode::parse_pcie_speed(input);
  ainode::pcie_device_kind(input);
  try {
    ainode::parse_node_meminfo(input);
  } catch (const ainode::ParseError&) {
  }
  try {
    ainode::parse_cpu_list(input);
  } catch (const ainode::ParseError&) {
  }
  try {
    ainode::parse_interrupts(input);
  } catch (const ainode::ParseError&) {
  }
  return 0;
}
