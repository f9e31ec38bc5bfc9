// libFuzzer target: the thermal parsers must return or throw ParseError on any input, never crash, hang or
// read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/thermal/thermal_parser.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    ainode::parse_millicelsius(input);
  } catch (const ainode::ParseError&) {
  }
  ainode::thermal_zone_number(input);
  return 0;
}
