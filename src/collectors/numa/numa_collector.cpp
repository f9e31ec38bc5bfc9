#include "collectors/numa/numa_collector.hpp"

#include <algorithm>
#include <set>

#include "collectors/memory/meminfo_parser.hpp"
#include "collectors/numa/numa_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kNode = {"node"};
const MetricDesc kMemoryTotal{"ainode_numa_memory_total_bytes", MetricType::gauge, "bytes", "Memory of the NUMA node.", kNode};
const MetricDesc kMemoryFree{"ainode_numa_memory_free_bytes", MetricType::gauge, "bytes", "Free memory of the node.", kNode};
const MetricDesc kMemoryUsed{"ainode_numa_memory_used_bytes", MetricType::gauge, "bytes", "Used memory of the node (MemUsed).", kNode};
const MetricDesc kHits{"ainode_numa_hit_pages_total", MetricType::counter, "",
                       "Pages allocated on this node as intended (numa_hit).", kNode};
const MetricDesc kMisses{"ainode_numa_miss_pages_total", MetricType::counter, "",
                         "Pages allocated here although another node was preferred (numa_miss).", kNode};
const MetricDesc kForeign{"ainode_numa_foreign_pages_total", MetricType::counter, "",
                          "Pages meant for this node but allocated elsewhere (numa_foreign).", kNode};
const MetricDesc kLocal{"ainode_numa_local_node_pages_total", MetricType::counter, "",
                        "Pages allocated here by a process running here (local_node).", kNode};
const MetricDesc kOther{"ainode_numa_other_node_pages_total", MetricType::counter, "",
                        "Pages allocated here by a process running on another node (other_node).", kNode};
const MetricDesc kDistance{"ainode_numa_distance", MetricType::gauge, "", "SLIT distance between two nodes (10 = local).",
                           {"node", "target"}};
const MetricDesc kCpus{"ainode_numa_cpus", MetricType::gauge, "", "Online CPUs of the node.", kNode};
const MetricDesc kUtilization{"ainode_numa_cpu_utilization_ratio", MetricType::gauge, "ratio",
                              "Busy ratio of the node's CPUs over the last interval; absent on the first cycle.", kNode};
const MetricDesc kInterrupts{"ainode_numa_interrupts_total", MetricType::counter, "",
                             "Interrupts serviced by the node's CPUs (sum of /proc/interrupts columns).", kNode};

CpuTicks sum_ticks(const std::vector<CpuTicks>& all, const std::set<unsigned>& cpus) {
  CpuTicks sum;
  for (const auto& t : all) {
    if (t.cpu < 0 || !cpus.contains(static_cast<unsigned>(t.cpu))) continue;
    sum.user += t.user, sum.nice += t.nice, sum.system += t.system, sum.idle += t.idle;
    sum.iowait += t.iowait, sum.irq += t.irq, sum.softirq += t.softirq, sum.steal += t.steal;
  }
  return sum;
}
}  // namespace

std::vector<const MetricDesc*> NumaCollector::describe() const {
  return {&kMemoryTotal, &kMemoryFree, &kMemoryUsed, &kHits, &kMisses, &kForeign, &kLocal,
          &kOther,       &kDistance,   &kCpus,       &kUtilization, &kInterrupts};
}

void NumaCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("devices/system/node");
  std::vector<std::string> nodes;
  for (const auto& entry : HostFs::list(base)) {
    if (entry.starts_with("node") && text::to_u64(std::string_view(entry).substr(4))) nodes.push_back(entry.substr(4));
  }
  if (nodes.empty()) return;  // not a NUMA kernel: nothing, not zeros
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return std::stoul(a) < std::stoul(b); });

  struct Node {
    std::string id;
    std::map<std::string, std::uint64_t> memory;
    std::map<std::string, std::uint64_t, std::less<>> stats;
    std::vector<std::string> distances;
    std::set<unsigned> cpus;
  };
  std::vector<Node> data;
  for (const auto& id : nodes) {
    auto dir = base / ("node" + id);
    Node node{id, {}, {}, {}, {}};
    if (auto text = HostFs::try_read(dir / "meminfo")) node.memory = parse_node_meminfo(*text);
    if (auto text = HostFs::try_read(dir / "numastat")) node.stats = parse_vmstat(*text);
    if (auto text = HostFs::try_read_line(dir / "distance")) {
      for (auto d : text::fields(*text)) node.distances.emplace_back(d);
    }
    if (auto text = HostFs::try_read_line(dir / "cpulist")) {
      auto cpus = parse_cpu_list(*text);
      node.cpus.insert(cpus.begin(), cpus.end());
    }
    data.push_back(std::move(node));
  }
  auto memory = [&](const MetricDesc& desc, const char* key) {
    for (const auto& n : data) {
      if (auto found = n.memory.find(key); found != n.memory.end()) out.add(desc, {n.id}, static_cast<double>(found->second));
    }
  };
  memory(kMemoryTotal, "MemTotal");
  memory(kMemoryFree, "MemFree");
  memory(kMemoryUsed, "MemUsed");
  auto stat = [&](const MetricDesc& desc, const char* key) {
    for (const auto& n : data) {
      if (auto found = n.stats.find(key); found != n.stats.end()) out.add(desc, {n.id}, static_cast<double>(found->second));
    }
  };
  stat(kHits, "numa_hit");
  stat(kMisses, "numa_miss");
  stat(kForeign, "numa_foreign");
  stat(kLocal, "local_node");
  stat(kOther, "other_node");
  for (const auto& n : data) {
    // distance lists one entry per node, in node order.
    for (std::size_t i = 0; i < n.distances.size() && i < nodes.size(); ++i) {
      if (auto d = text::to_u64(n.distances[i])) out.add(kDistance, {n.id, nodes[i]}, static_cast<double>(*d));
    }
  }
  for (const auto& n : data) out.add(kCpus, {n.id}, static_cast<double>(n.cpus.size()));

  // /proc/stat is read again here rather than taken from the cpu collector:
  // collectors stay independent (either can be disabled or hang alone), and
  // the file is a few kilobytes.
  ProcStat proc_stat = parse_proc_stat(HostFs::read(context.fs.proc("stat")));
  for (const auto& n : data) {
    CpuTicks now = sum_ticks(proc_stat.cpus, n.cpus);
    if (auto previous = previous_ticks_.find(n.id); previous != previous_ticks_.end()) {
      if (auto ratio = cpu_utilization(previous->second, now)) out.add(kUtilization, {n.id}, *ratio);
    }
    previous_ticks_[n.id] = now;
  }
  if (auto text = HostFs::try_read(context.fs.proc("interrupts"))) {
    InterruptTotals totals = parse_interrupts(*text);
    for (const auto& n : data) {
      std::uint64_t sum = 0;
      for (std::size_t i = 0; i < totals.cpus.size(); ++i) sum += n.cpus.contains(totals.cpus[i]) ? totals.totals[i] : 0;
      out.add(kInterrupts, {n.id}, static_cast<double>(sum));
    }
  }
}

}  // namespace ainode
