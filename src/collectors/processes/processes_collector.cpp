#include "collectors/processes/processes_collector.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace ainode {

namespace {
const MetricDesc kProcesses{"ainode_processes", MetricType::gauge, "", "Processes on the node."};
const MetricDesc kThreads{"ainode_process_threads", MetricType::gauge, "", "Threads of all processes on the node."};
const MetricDesc kByState{"ainode_processes_state", MetricType::gauge, "",
                          "Processes by state letter (R running, S sleeping, D uninterruptible, Z zombie, ...).",
                          {"state"}};
const MetricDesc kProcessCpu{"ainode_process_cpu_seconds_total", MetricType::counter, "seconds",
                             "CPU time (user + system) of the top-N processes by recent CPU and by RSS; at most "
                             "2 x processes.top_n series.",
                             {"pid", "name", "namespace", "pod", "container"}};
const MetricDesc kProcessRss{"ainode_process_resident_memory_bytes", MetricType::gauge, "bytes",
                             "Resident memory of the top-N processes by recent CPU and by RSS; at most "
                             "2 x processes.top_n series.",
                             {"pid", "name", "namespace", "pod", "container"}};
}  // namespace

std::vector<const MetricDesc*> ProcessesCollector::describe() const {
  return {&kProcesses, &kThreads, &kByState, &kProcessCpu, &kProcessRss};
}

void ProcessesCollector::collect(CollectContext& context, MetricSet& out) {
  std::vector<PidStat> processes;
  auto proc = context.fs.proc("");
  std::string stat_path = proc.native();
  if (!stat_path.empty() && stat_path.back() != '/') stat_path += '/';
  const std::size_t base = stat_path.size();
  for (const auto& entry : HostFs::list(proc)) {
    if (!text::to_u64(entry)) continue;
    stat_path.resize(base);
    stat_path += entry;
    stat_path += "/stat";
    // A process can exit between the listing and the read: that is normal.
    auto text = HostFs::try_read_file(stat_path);
    if (!text) continue;
    try {
      processes.push_back(parse_pid_stat(*text));
    } catch (const ParseError& error) {
      context.warn("pid " + entry + ": " + error.what());
    }
  }

  std::map<std::string, double> states;
  double threads = 0;
  for (const auto& p : processes) {
    states[std::string(1, p.state)] += 1;
    threads += static_cast<double>(p.num_threads);
  }
  out.add(kProcesses, static_cast<double>(processes.size()));
  out.add(kThreads, threads);
  for (const auto& [state, count] : states) out.add(kByState, {state}, count);

  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto chosen = select_top_processes(processes, previous_cpu_ticks_, top_n_);
  if (attributor_) attributor_->begin_cycle(context.fs, context.monotonic_time);
  std::vector<PodRef> pods(chosen.size());
  for (std::size_t k = 0; k < chosen.size() && attributor_; ++k) {
    const auto& p = processes[chosen[k]];
    pods[k] = attributor_->attribute(context.fs, static_cast<int>(p.pid), p.start_time_ticks);
  }
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const auto& p = processes[chosen[k]];
    out.add(kProcessCpu, {std::to_string(p.pid), p.comm, pods[k].namespace_name, pods[k].pod, pods[k].container},
            static_cast<double>(p.utime_ticks + p.stime_ticks) / ticks);
  }
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const auto& p = processes[chosen[k]];
    out.add(kProcessRss, {std::to_string(p.pid), p.comm, pods[k].namespace_name, pods[k].pod, pods[k].container},
            static_cast<double>(p.rss_pages) * page_size);
  }

  nlohmann::json top = nlohmann::json::array();
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const auto& p = processes[chosen[k]];
    top.push_back({{"pid", p.pid}, {"name", p.comm}, {"namespace", pods[k].namespace_name}, {"pod", pods[k].pod},
                   {"container", pods[k].container}, {"pod_uid", pods[k].pod_uid}});
  }
  context.set_details(nlohmann::json{{"top", std::move(top)}});

  previous_cpu_ticks_.clear();
  for (const auto& p : processes) previous_cpu_ticks_[{p.pid, p.start_time_ticks}] = p.utime_ticks + p.stime_ticks;
}

}  // namespace ainode
