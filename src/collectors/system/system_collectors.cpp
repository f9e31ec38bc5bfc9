#include "collectors/system/system_collectors.hpp"

#include "collectors/system/loadavg_parser.hpp"

namespace ainode {

namespace {
const MetricDesc kLoad1{"ainode_load1", MetricType::gauge, "", "1-minute load average."};
const MetricDesc kLoad5{"ainode_load5", MetricType::gauge, "", "5-minute load average."};
const MetricDesc kLoad15{"ainode_load15", MetricType::gauge, "", "15-minute load average."};
const MetricDesc kUptime{"ainode_uptime_seconds", MetricType::gauge, "seconds", "Seconds since boot (/proc/uptime)."};
const MetricDesc kTime{"ainode_time_seconds", MetricType::gauge, "seconds",
                       "The node's wall clock at collection, Unix seconds (compare with Prometheus time() for skew)."};
}  // namespace

std::vector<const MetricDesc*> LoadavgCollector::describe() const { return {&kLoad1, &kLoad5, &kLoad15}; }

void LoadavgCollector::collect(CollectContext& context, MetricSet& out) {
  LoadAverage load = parse_loadavg(HostFs::read(context.fs.proc("loadavg")));
  out.add(kLoad1, load.load1);
  out.add(kLoad5, load.load5);
  out.add(kLoad15, load.load15);
}

std::vector<const MetricDesc*> TimeCollector::describe() const { return {&kUptime, &kTime}; }

void TimeCollector::collect(CollectContext& context, MetricSet& out) {
  out.add(kUptime, parse_uptime(HostFs::read(context.fs.proc("uptime"))));
  out.add(kTime, std::chrono::duration<double>(context.wall_time.time_since_epoch()).count());
}

}  // namespace ainode
