#include "collectors/cpu/cpu_collector.hpp"

#include <unistd.h>

#include <string>

namespace ainode {

namespace {

const MetricDesc kCpuSeconds{"ainode_cpu_seconds_total", MetricType::counter, "seconds",
                             "Seconds each CPU spent in each mode (guest time is also counted in user and nice).",
                             {"cpu", "mode"}};
const MetricDesc kGuestSeconds{"ainode_cpu_guest_seconds_total", MetricType::counter, "seconds",
                               "Seconds each CPU spent running guests (mode user or nice).", {"cpu", "mode"}};
const MetricDesc kUtilization{"ainode_cpu_utilization_ratio", MetricType::gauge, "ratio",
                              "Node-wide CPU busy ratio over the last collection interval "
                              "(1 - idle+iowait share); absent on the first cycle."};
const MetricDesc kCpuCount{"ainode_cpus_online", MetricType::gauge, "", "Online logical CPUs."};
const MetricDesc kContextSwitches{"ainode_context_switches_total", MetricType::counter, "",
                                  "Context switches since boot."};
const MetricDesc kInterrupts{"ainode_interrupts_total", MetricType::counter, "", "Interrupts serviced since boot."};
const MetricDesc kForks{"ainode_forks_total", MetricType::counter, "", "Processes and threads created since boot."};
const MetricDesc kProcsRunning{"ainode_procs_running", MetricType::gauge, "", "Runnable threads."};
const MetricDesc kProcsBlocked{"ainode_procs_blocked", MetricType::gauge, "", "Threads blocked waiting for I/O."};
const MetricDesc kBootTime{"ainode_boot_time_seconds", MetricType::gauge, "seconds", "Unix time the node booted."};
const MetricDesc kCpuInfo{"ainode_cpu_info",
                          MetricType::gauge,
                          "",
                          "CPU identity from /proc/cpuinfo; value is always 1.",
                          {"cpu", "package", "core", "vendor", "family", "model", "model_name", "microcode", "stepping"}};
const MetricDesc kFrequency{"ainode_cpu_frequency_hertz", MetricType::gauge, "hertz",
                            "Current CPU frequency (cpufreq scaling_cur_freq).", {"cpu"}};
const MetricDesc kFrequencyMin{"ainode_cpu_frequency_min_hertz", MetricType::gauge, "hertz",
                               "Lowest frequency the CPU supports (cpuinfo_min_freq).", {"cpu"}};
const MetricDesc kFrequencyMax{"ainode_cpu_frequency_max_hertz", MetricType::gauge, "hertz",
                               "Highest frequency the CPU supports (cpuinfo_max_freq).", {"cpu"}};

double ticks_per_second() {
  static const double value = static_cast<double>(sysconf(_SC_CLK_TCK));
  return value;
}

}  // namespace

std::vector<const MetricDesc*> CpuCollector::describe() const {
  return {&kCpuSeconds,  &kGuestSeconds, &kUtilization, &kCpuCount, &kContextSwitches,
          &kInterrupts,  &kForks,        &kProcsRunning, &kProcsBlocked, &kBootTime,
          &kCpuInfo,     &kFrequency,    &kFrequencyMin, &kFrequencyMax};
}

void CpuCollector::collect(CollectContext& context, MetricSet& out) {
  ProcStat stat = parse_proc_stat(HostFs::read(context.fs.proc("stat")));
  const double hz = ticks_per_second();

  for (const CpuTicks& t : stat.cpus) {
    std::string cpu = std::to_string(t.cpu);
    const std::pair<const char*, std::uint64_t> modes[] = {
        {"user", t.user}, {"nice", t.nice},       {"system", t.system},   {"idle", t.idle},
        {"iowait", t.iowait}, {"irq", t.irq}, {"softirq", t.softirq}, {"steal", t.steal}};
    for (const auto& [mode, ticks] : modes) out.add(kCpuSeconds, {cpu, mode}, static_cast<double>(ticks) / hz);
  }
  for (const CpuTicks& t : stat.cpus) {
    std::string cpu = std::to_string(t.cpu);
    out.add(kGuestSeconds, {cpu, "user"}, static_cast<double>(t.guest) / hz);
    out.add(kGuestSeconds, {cpu, "nice"}, static_cast<double>(t.guest_nice) / hz);
  }
  if (previous_) {
    if (auto ratio = cpu_utilization(*previous_, *stat.aggregate)) out.add(kUtilization, *ratio);
  }
  previous_ = stat.aggregate;
  out.add(kCpuCount, static_cast<double>(stat.cpus.size()));
  if (stat.context_switches) out.add(kContextSwitches, static_cast<double>(*stat.context_switches));
  if (stat.interrupts) out.add(kInterrupts, static_cast<double>(*stat.interrupts));
  if (stat.forks) out.add(kForks, static_cast<double>(*stat.forks));
  if (stat.procs_running) out.add(kProcsRunning, static_cast<double>(*stat.procs_running));
  if (stat.procs_blocked) out.add(kProcsBlocked, static_cast<double>(*stat.procs_blocked));
  if (stat.boot_time) out.add(kBootTime, static_cast<double>(*stat.boot_time));

  add_cpu_info(context, stat, out);
  add_frequencies(context, stat, out);
}

void CpuCollector::add_cpu_info(CollectContext& context, const ProcStat& stat, MetricSet& out) {
  std::vector<int> online;
  for (const auto& t : stat.cpus) online.push_back(t.cpu);
  bool stale = !cpuinfo_read_at_ || context.monotonic_time - *cpuinfo_read_at_ >= kCpuinfoRefresh;
  if (online != cpuinfo_for_ || stale) {
    cpuinfo_.clear();
    cpuinfo_for_ = online;
    cpuinfo_read_at_ = context.monotonic_time;
    try {
      cpuinfo_ = parse_cpuinfo(HostFs::read(context.fs.proc("cpuinfo")));
    } catch (const std::exception& error) {
      // Identity is secondary: the CPU counters above are still good.
      context.warn(std::string("cpuinfo: ") + error.what());
    }
  }
  for (const auto& c : cpuinfo_) {
    out.add(kCpuInfo, {c.processor, c.package, c.core, c.vendor, c.family, c.model, c.model_name, c.microcode,
                       c.stepping},
            1);
  }
}

void CpuCollector::add_frequencies(CollectContext& context, const ProcStat& stat, MetricSet& out) {
  constexpr double kHertzPerKilohertz = 1000.0;
  const std::pair<const MetricDesc*, const char*> files[] = {
      {&kFrequency, "scaling_cur_freq"}, {&kFrequencyMin, "cpuinfo_min_freq"}, {&kFrequencyMax, "cpuinfo_max_freq"}};
  for (const auto& [desc, file] : files) {
    for (const auto& t : stat.cpus) {
      std::string cpu = std::to_string(t.cpu);
      auto khz = HostFs::try_read_int(context.fs.sys("devices/system/cpu/cpu" + cpu + "/cpufreq/" + file));
      if (khz) out.add(*desc, {cpu}, static_cast<double>(*khz) * kHertzPerKilohertz);
    }
  }
}

}  // namespace ainode
