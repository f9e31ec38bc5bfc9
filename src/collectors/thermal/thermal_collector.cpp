#include "collectors/thermal/thermal_collector.hpp"

#include "core/text.hpp"

namespace ainode {

namespace {
const MetricDesc kZoneTemperature{"ainode_thermal_zone_temperature_celsius", MetricType::gauge, "celsius",
                                  "Thermal zone temperature.", {"zone", "type"}};
const MetricDesc kTripPoint{"ainode_thermal_zone_trip_point_celsius", MetricType::gauge, "celsius",
                            "Thermal zone trip point temperature.", {"zone", "type", "trip", "trip_type"}};
constexpr double kMillidegrees = 1000.0;
}  // namespace

std::vector<const MetricDesc*> ThermalCollector::describe() const { return {&kZoneTemperature, &kTripPoint}; }

void ThermalCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("class/thermal");
  struct Trip {
    std::string zone, type, trip, trip_type;
    double celsius;
  };
  std::vector<Trip> trips;
  for (const auto& entry : HostFs::list(base)) {
    if (!entry.starts_with("thermal_zone")) continue;
    auto dir = base / entry;
    std::string zone = entry.substr(std::string("thermal_zone").size());
    std::string type(text::trim(HostFs::try_read_line(dir / "type").value_or("")));
    auto millidegrees = HostFs::try_read_int(dir / "temp");
    if (!millidegrees) {
      context.warn("thermal zone " + zone + ": temp unreadable");
      continue;
    }
    out.add(kZoneTemperature, {zone, type}, static_cast<double>(*millidegrees) / kMillidegrees);
    for (int i = 0;; ++i) {
      std::string prefix = "trip_point_" + std::to_string(i) + "_";
      auto temp = HostFs::try_read_int(dir / (prefix + "temp"));
      if (!temp) break;
      auto trip_type = HostFs::try_read_line(dir / (prefix + "type")).value_or("");
      trips.push_back({zone, type, std::to_string(i), std::string(text::trim(trip_type)),
                       static_cast<double>(*temp) / kMillidegrees});
    }
  }
  for (const auto& t : trips) out.add(kTripPoint, {t.zone, t.type, t.trip, t.trip_type}, t.celsius);
}

}  // namespace ainode
