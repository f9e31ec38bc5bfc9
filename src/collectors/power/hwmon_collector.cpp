#include "collectors/power/hwmon_collector.hpp"

#include <algorithm>

#include "collectors/power/hwmon_name_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kLabels = {"chip", "sensor", "label"};
const MetricDesc kTemperature{"ainode_hwmon_temperature_celsius", MetricType::gauge, "celsius",
                              "hwmon temperature (temp*_input).", kLabels};
const MetricDesc kTemperatureMax{"ainode_hwmon_temperature_max_celsius", MetricType::gauge, "celsius",
                                 "hwmon temperature high limit (temp*_max).", kLabels};
const MetricDesc kTemperatureCritical{"ainode_hwmon_temperature_critical_celsius", MetricType::gauge, "celsius",
                                      "hwmon critical temperature (temp*_crit).", kLabels};
const MetricDesc kPower{"ainode_hwmon_power_watts", MetricType::gauge, "watts",
                        "hwmon power (power*_input, else power*_average).", kLabels};
const MetricDesc kEnergy{"ainode_hwmon_energy_joules_total", MetricType::counter, "joules", "hwmon energy (energy*_input).",
                         kLabels};
const MetricDesc kVoltage{"ainode_hwmon_voltage_volts", MetricType::gauge, "volts", "hwmon voltage (in*_input).", kLabels};
const MetricDesc kCurrent{"ainode_hwmon_current_amperes", MetricType::gauge, "amperes", "hwmon current (curr*_input).",
                          kLabels};
const MetricDesc kFan{"ainode_hwmon_fan_rpm", MetricType::gauge, "", "hwmon fan speed in revolutions per minute.", kLabels};
const MetricDesc kChipInfo{"ainode_hwmon_chip_info", MetricType::gauge, "", "hwmon chip identity; value is always 1.",
                           {"chip", "chip_name"}};

struct Conversion {
  const char* type;
  const char* item;
  const MetricDesc* desc;
  double scale;  // sysfs unit -> base unit
};
// Documentation/hwmon/sysfs-interface.rst units.
constexpr Conversion kConversions[] = {
    {"temp", "input", &kTemperature, 1e-3},   {"temp", "max", &kTemperatureMax, 1e-3},
    {"temp", "crit", &kTemperatureCritical, 1e-3}, {"power", "input", &kPower, 1e-6},
    {"power", "average", &kPower, 1e-6},      {"energy", "input", &kEnergy, 1e-6},
    {"in", "input", &kVoltage, 1e-3},         {"curr", "input", &kCurrent, 1e-3},
    {"fan", "input", &kFan, 1.0},
};
}  // namespace

std::vector<const MetricDesc*> HwmonCollector::describe() const {
  return {&kTemperature, &kTemperatureMax, &kTemperatureCritical, &kPower, &kEnergy, &kVoltage, &kCurrent, &kFan, &kChipInfo};
}

void HwmonCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("class/hwmon");
  struct Value {
    const MetricDesc* desc;
    std::string chip, sensor, label;
    double value;
  };
  std::vector<Value> values;
  std::vector<std::pair<std::string, std::string>> chips;
  for (const auto& entry : HostFs::list(base)) {
    auto dir = base / entry;
    std::string driver(text::trim(HostFs::try_read_line(dir / "name").value_or(entry)));
    std::string chip = hwmon_chip_id(HostFs::link_target(dir / "device"), driver);
    chips.emplace_back(chip, driver);
    auto files = HostFs::list(dir);
    for (const auto& file : files) {
      auto attribute = parse_hwmon_attribute(file);
      if (!attribute) continue;
      for (const auto& conversion : kConversions) {
        if (attribute->type != conversion.type || attribute->item != conversion.item) continue;
        std::string sensor = attribute->type + std::to_string(attribute->index);
        // power*_average only when the chip has no power*_input for it.
        if (attribute->item == "average" &&
            std::binary_search(files.begin(), files.end(), sensor + "_input")) {
          continue;
        }
        auto raw = HostFs::try_read_int(dir / file);
        if (!raw) {
          context.warn("hwmon " + chip + "/" + file + ": unreadable");
          continue;
        }
        std::string label(text::trim(HostFs::try_read_line(dir / (sensor + "_label")).value_or("")));
        values.push_back({conversion.desc, chip, sensor, label, static_cast<double>(*raw) * conversion.scale});
      }
    }
  }
  // Families in catalogue order, so output is grouped by metric.
  for (const MetricDesc* desc : describe()) {
    for (const auto& v : values) {
      if (v.desc == desc) out.add(*desc, {v.chip, v.sensor, v.label}, v.value);
    }
  }
  for (const auto& [chip, driver] : chips) out.add(kChipInfo, {chip, driver}, 1);
}

}  // namespace ainode
