// libFuzzer target: parse_proc_stat must return or throw ParseError on any input, never
// crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/cpu/proc_stat_parser.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    auto stat = ainode::parse_proc_stat(input);
    if (!stat.cpus.empty()) ainode::cpu_utilization(stat.cpus.front(), *stat.aggregate);
  } catch (const ainode::ParseError&) {
  }
  return 0;
}
