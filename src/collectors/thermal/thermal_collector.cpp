#include "collectors/thermal/thermal_collector.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "collectors/thermal/thermal_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const MetricDesc kZoneTemperature{"ainode_thermal_zone_temperature_celsius", MetricType::gauge, "celsius",
                                  "Thermal zone temperature.", {"zone", "type"}};
const MetricDesc kTripPoint{"ainode_thermal_zone_trip_point_celsius", MetricType::gauge, "celsius",
                            "Thermal zone trip point temperature.", {"zone", "type", "trip", "trip_type"}};

struct Zone {
  int number;
  std::string entry;
};

std::vector<Zone> list_zones(const std::filesystem::path& base) {
  std::vector<Zone> zones;
  for (auto& entry : HostFs::list(base)) {
    if (auto number = thermal_zone_number(entry)) zones.push_back({*number, std::move(entry)});
  }
  std::sort(zones.begin(), zones.end(), [](const Zone& a, const Zone& b) { return a.number < b.number; });
  return zones;
}

std::string read_type(const std::filesystem::path& file) {
  return std::string(text::trim(HostFs::try_read_line(file).value_or("")));
}
}  // namespace

std::vector<const MetricDesc*> ThermalCollector::describe() const { return {&kZoneTemperature, &kTripPoint}; }

void ThermalCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("class/thermal");
  struct Trip {
    std::string zone, type, trip, trip_type;
    double celsius;
  };
  std::vector<Trip> trips;
  std::map<std::string, std::string> failing;
  // Reads one millidegree attribute; a failure (I/O error or garbage) is
  // remembered with its reason instead of failing the whole collector.
  auto read_celsius = [&](const std::filesystem::path& file) -> std::optional<double> {
    try {
      return parse_millicelsius(HostFs::read(file));
    } catch (const IoError& error) {
      failing[file.string()] = std::strerror(error.error_number());
    } catch (const ParseError& error) {
      failing[file.string()] = error.what();
    }
    return std::nullopt;
  };

  for (const auto& zone : list_zones(base)) {
    auto dir = base / zone.entry;
    std::string number = std::to_string(zone.number);
    std::string type = read_type(dir / "type");
    auto celsius = read_celsius(dir / "temp");
    if (!celsius) continue;
    out.add(kZoneTemperature, {number, type}, *celsius);
    // A trip point exists when its type file does; its temperature may
    // still be unreadable on its own, which skips only that trip.
    for (int i = 0;; ++i) {
      std::string prefix = "trip_point_" + std::to_string(i) + "_";
      auto trip_type = HostFs::try_read_line(dir / (prefix + "type"));
      if (!trip_type) break;
      if (auto trip_celsius = read_celsius(dir / (prefix + "temp"))) {
        trips.push_back({number, type, std::to_string(i), std::string(text::trim(*trip_type)), *trip_celsius});
      }
    }
  }
  for (const auto& t : trips) out.add(kTripPoint, {t.zone, t.type, t.trip, t.trip_type}, t.celsius);

  for (const auto& [file, reason] : failing) {
    if (!failing_.contains(file)) context.warn(file + ": " + reason + " (skipped until readable)");
  }
  if (!failing.empty()) {
    nlohmann::json skipped = nlohmann::json::object();
    for (const auto& [file, reason] : failing) skipped[file] = reason;
    context.set_details(nlohmann::json{{"skipped", std::move(skipped)}});
  }
  failing_ = std::move(failing);
}

}  // namespace ainode
