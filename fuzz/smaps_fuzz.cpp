// libFuzzer target: parse_releasable_code_mappings must return on any input,
// never crash, hang or read out of bounds, and never list a mapping whose
// range is empty or reversed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/smaps_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto& mapping : ainode::parse_releasable_code_mappings(input)) {
    if (mapping.end <= mapping.start || mapping.path.empty() || mapping.path.front() != '/') std::abort();
  }
  return 0;
}
