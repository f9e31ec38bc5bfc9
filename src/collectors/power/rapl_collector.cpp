#include "collectors/power/rapl_collector.hpp"

#include <cerrno>

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace ainode {

namespace {
const MetricDesc kEnergy{"ainode_cpu_package_energy_joules_total", MetricType::counter, "joules",
                         "RAPL energy of a CPU package or its sub-zone, continuous across register wraparound.",
                         {"package", "zone"}};
const MetricDesc kPower{"ainode_cpu_package_power_watts", MetricType::gauge, "watts",
                        "Average RAPL power since the previous collection.", {"package", "zone"}};

struct Zone {
  std::string directory;  // "intel-rapl:0:1"
  std::string package;    // "0"
  std::string zone;       // "package", "core", "uncore", "dram", "psys"
};

// "intel-rapl:0" -> package "0"; name "package-0" -> zone "package".
Zone describe_zone(const std::string& directory, std::string name) {
  auto parts = text::split(directory, ':');
  std::string package = parts.size() > 1 ? std::string(parts[1]) : "";
  if (name.starts_with("package-")) name = "package";
  return Zone{directory, package, name};
}
}  // namespace

std::vector<const MetricDesc*> RaplCollector::describe() const { return {&kEnergy, &kPower}; }

void RaplCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("class/powercap");
  std::vector<Zone> zones;
  for (const auto& entry : HostFs::list(base)) {
    if (!entry.starts_with("intel-rapl:")) continue;  // intel-rapl itself is the control type
    auto name = HostFs::try_read_line(base / entry / "name");
    if (!name) continue;
    zones.push_back(describe_zone(entry, std::string(text::trim(*name))));
  }
  double now = std::chrono::duration<double>(context.monotonic_time.time_since_epoch()).count();
  struct Reading {
    const Zone* zone;
    EnergyCounter::Update update;
  };
  std::vector<Reading> readings;
  std::vector<std::string> unreadable;
  for (const auto& zone : zones) {
    auto raw = HostFs::try_read_int(base / zone.directory / "energy_uj");
    if (!raw || *raw < 0) {
      unreadable.push_back(zone.directory);
      continue;
    }
    auto range = HostFs::try_read_int(base / zone.directory / "max_energy_range_uj").value_or(0);
    readings.push_back({&zone, counters_[zone.directory].update(static_cast<std::uint64_t>(*raw),
                                                                static_cast<std::uint64_t>(std::max<std::int64_t>(range, 0)), now)});
  }
  for (const auto& r : readings) out.add(kEnergy, {r.zone->package, r.zone->zone}, r.update.joules_total);
  for (const auto& r : readings) {
    if (r.update.watts) out.add(kPower, {r.zone->package, r.zone->zone}, *r.update.watts);
  }
  if (!unreadable.empty()) {
    // energy_uj is root-only on current kernels (CVE-2020-8694): say so
    // once, not every cycle; the reason stays in /v1/status.
    std::string reason = "energy_uj unreadable for " + std::to_string(unreadable.size()) +
                         " RAPL zone(s) (root only since Linux 5.10; run ainode as root or grant read access)";
    if (!said_unreadable_) context.warn(reason);
    said_unreadable_ = true;
    context.set_details(nlohmann::json{{"rapl", {{"unreadable_zones", unreadable}, {"reason", reason}}}});
  }
}

}  // namespace ainode
