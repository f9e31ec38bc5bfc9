#pragma once
// The answer to DCMI "Get Power Reading" (DCMI 1.5 §6.6.1: net function 0x2C,
// command 0x02, mode 1 = system power statistics), decoded with libfreeipmi's
// own template for it (the library opened on first use, dynlib/freeipmi_api.hpp;
// when it is absent the answer is an error saying so). Otherwise pure: takes
// the response bytes as the BMC sent them, starting with the command byte.
#include <cstdint>
#include <span>
#include <string>
#include <variant>

namespace ainode {

struct DcmiPowerReading {
  double current_watts = 0;
  double minimum_watts = 0;  // over the statistics period
  double maximum_watts = 0;
  double average_watts = 0;
  std::uint32_t bmc_timestamp = 0;             // the BMC's clock, seconds since 1970
  double statistics_period_seconds = 0;        // the window behind min/max/average
};

// A reading, or why there is none (completion code, wrong group, power
// measurement not active, short or malformed answer).
using DcmiPowerAnswer = std::variant<DcmiPowerReading, std::string>;

DcmiPowerAnswer parse_dcmi_power_reading(std::span<const std::uint8_t> response);

// The request bytes (command first, as ipmi_cmd_raw takes them).
std::span<const std::uint8_t> dcmi_power_reading_request();
inline constexpr std::uint8_t kDcmiNetFunction = 0x2C;  // group extension

}  // namespace ainode
