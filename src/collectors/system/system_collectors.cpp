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
const MetricDesc kNodeInfo{"ainode_node_info", MetricType::gauge, "",
                           "The node's identity (host name, kernel release and OS type from procfs); value is always 1.",
                           {"hostname", "kernel_release", "os_type"}};

// The first line of a small procfs file, "" when it cannot be read.
std::string first_line(const std::string& path) {
  try {
    std::string text = HostFs::read(path);
    return text.substr(0, text.find('\n'));
  } catch (const std::exception&) {
    return {};
  }
}
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

std::vector<const MetricDesc*> UnameCollector::describe() const { return {&kNodeInfo}; }

void UnameCollector::collect(CollectContext& context, MetricSet& out) {
  std::string hostname = first_line(context.fs.proc("sys/kernel/hostname"));
  if (hostname.empty()) return;  // nothing to identify the node by: no series
  out.add(kNodeInfo,
          {hostname, first_line(context.fs.proc("sys/kernel/osrelease")), first_line(context.fs.proc("sys/kernel/ostype"))},
          1);
}

}  // namespace ainode
