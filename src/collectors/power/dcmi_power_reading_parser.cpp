#include "collectors/power/dcmi_power_reading_parser.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <optional>

#include "dynlib/freeipmi_api.hpp"

namespace ainode {

namespace {

constexpr std::uint8_t kGetPowerReading = 0x02;
constexpr std::uint8_t kDcmiGroup = 0xDC;
constexpr std::uint8_t kSystemPowerStatistics = 0x01;

using FiidObject = std::unique_ptr<std::remove_pointer_t<fiid_obj_t>, decltype(&fiid_obj_destroy)>;

std::string completion_code_meaning(std::uint64_t code) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(code));
  std::string text = std::string("completion code ") + hex;
  switch (code) {
    case 0xC1: return text + " (invalid command: the BMC does not implement DCMI power readings)";
    case 0xC3: return text + " (timeout in the BMC)";
    case 0xCC: return text + " (invalid data field: power reading mode not supported)";
    case 0xD5: return text + " (command not supported in present state)";
    case 0x80: return text + " (power management not supported by the platform)";
    default: return text;
  }
}

}  // namespace

std::span<const std::uint8_t> dcmi_power_reading_request() {
  // command, group extension id, mode, mode attributes, reserved
  static constexpr std::array<std::uint8_t, 5> request = {kGetPowerReading, kDcmiGroup, kSystemPowerStatistics, 0, 0};
  return request;
}

DcmiPowerAnswer parse_dcmi_power_reading(std::span<const std::uint8_t> response) {
  std::string load_error;
  const FreeIpmiApi* ipmi = freeipmi_api(load_error);
  if (ipmi == nullptr) return "cannot decode the DCMI answer: " + load_error;
  FiidObject object(ipmi->obj_create(ipmi->dcmi_get_power_reading_response), ipmi->obj_destroy);
  if (!object) return std::string("out of memory creating the DCMI response object");
  if (response.empty()) return std::string("empty answer from the BMC");
  if (ipmi->obj_set_all(object.get(), response.data(), static_cast<unsigned>(response.size())) < 0) {
    return std::string("malformed answer: ") + ipmi->obj_errormsg(object.get());
  }
  auto field = [&](const char* name) -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    if (ipmi->obj_get(object.get(), name, &value) != 1) return std::nullopt;
    return value;
  };
  auto command = field("cmd");
  if (!command || *command != kGetPowerReading) return std::string("answer is not for Get Power Reading");
  auto completion = field("comp_code");
  if (!completion) return std::string("answer too short: no completion code");
  if (*completion != 0) return completion_code_meaning(*completion);
  if (auto group = field("group_extension_identification"); !group || *group != kDcmiGroup) {
    return std::string("answer is not a DCMI group extension reply");
  }
  if (ipmi->obj_packet_valid(object.get()) != 1) {
    return "answer too short: " + std::to_string(response.size()) + " bytes";
  }
  if (field("power_reading_state.power_measurement").value_or(0) == 0) {
    return std::string("the BMC reports power measurement as not active");
  }
  DcmiPowerReading reading;
  reading.current_watts = static_cast<double>(*field("current_power"));
  reading.minimum_watts = static_cast<double>(*field("minimum_power_over_sampling_duration"));
  reading.maximum_watts = static_cast<double>(*field("maximum_power_over_sampling_duration"));
  reading.average_watts = static_cast<double>(*field("average_power_over_sampling_duration"));
  reading.bmc_timestamp = static_cast<std::uint32_t>(*field("time_stamp"));
  reading.statistics_period_seconds = static_cast<double>(*field("statistics_reporting_time_period")) / 1000.0;
  return reading;
}

}  // namespace ainode
