// libFuzzer target: parse_dcmi_power_reading must answer a reading or an
// error for any bytes a BMC could send, never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>

#include "collectors/power/dcmi_power_reading_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ainode::parse_dcmi_power_reading(std::span<const std::uint8_t>(data, size));
  return 0;
}
