#include "collectors/pressure/pressure_collector.hpp"

#include <nlohmann/json.hpp>

#include "collectors/pressure/psi_parser.hpp"

namespace ainode {

namespace {
const MetricDesc kStallSeconds{"ainode_pressure_stall_seconds_total", MetricType::counter, "seconds",
                               "Time tasks were stalled on the resource (some: at least one task; full: all "
                               "non-idle tasks).",
                               {"resource", "kind"}};
const MetricDesc kStallRatio{"ainode_pressure_stall_ratio", MetricType::gauge, "ratio",
                             "Share of wall time tasks were stalled on the resource, averaged over the window.",
                             {"resource", "kind", "window"}};
constexpr double kPercent = 100.0;
constexpr double kMicroseconds = 1e6;
}  // namespace

std::vector<const MetricDesc*> PressureCollector::describe() const { return {&kStallSeconds, &kStallRatio}; }

void PressureCollector::collect(CollectContext& context, MetricSet& out) {
  struct Reading {
    std::string resource;
    std::string kind;
    PsiLine line;
  };
  std::vector<Reading> readings;
  for (const char* resource : {"cpu", "memory", "io"}) {
    auto text = HostFs::try_read(context.fs.proc(std::string("pressure/") + resource));
    if (!text) continue;
    PsiFile file = parse_psi(*text);
    if (file.some) readings.push_back({resource, "some", *file.some});
    if (file.full) readings.push_back({resource, "full", *file.full});
  }
  if (readings.empty()) {
    context.set_details(
        nlohmann::json{{"pressure", {{"available", false}, {"reason", "kernel exposes no /proc/pressure (PSI)"}}}});
    return;
  }
  for (const auto& r : readings) {
    out.add(kStallSeconds, {r.resource, r.kind}, static_cast<double>(r.line.total_microseconds) / kMicroseconds);
  }
  for (const auto& r : readings) {
    out.add(kStallRatio, {r.resource, r.kind, "10s"}, r.line.avg10 / kPercent);
    out.add(kStallRatio, {r.resource, r.kind, "60s"}, r.line.avg60 / kPercent);
    out.add(kStallRatio, {r.resource, r.kind, "300s"}, r.line.avg300 / kPercent);
  }
}

}  // namespace ainode
