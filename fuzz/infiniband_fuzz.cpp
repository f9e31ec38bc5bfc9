// libFuzzer target: the InfiniBand sysfs value parsers and the hwmon
// attribute-name parser must never crash on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/infiniband/infiniband_parser.hpp"
#include "collectors/power/hwmon_name_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ainode::parse_ib_state(input);
  ainode::parse_ib_rate_bytes(input);
  ainode::parse_ib_counter(input);
  ainode::sanitize_counter_name(input);
  ainode::parse_hwmon_attribute(input);
  ainode::hwmon_chip_id(std::string(input), input);
  return 0;
}
