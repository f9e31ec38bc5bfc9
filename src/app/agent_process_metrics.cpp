#include "app/agent_process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collectors/processes/pid_stat_parser.hpp"

namespace ainode {

namespace {

const MetricDesc kCpu{"ainode_agent_cpu_seconds_total", MetricType::counter, "seconds",
                      "CPU time the agent itself has used (user and system), from /proc/self/stat."};
const MetricDesc kResident{"ainode_agent_resident_memory_bytes", MetricType::gauge, "bytes",
                           "Resident memory of the agent itself."};
const MetricDesc kThreads{"ainode_agent_threads", MetricType::gauge, "", "Threads of the agent itself."};
const MetricDesc kOpenFds{"ainode_agent_open_fds", MetricType::gauge, "",
                          "File descriptors the agent itself holds open (sockets, kept-open files)."};

}  // namespace

std::vector<const MetricDesc*> agent_process_metric_descriptors() { return {&kCpu, &kResident, &kThreads, &kOpenFds}; }

void add_agent_process_metrics(MetricSet& out, const std::string& proc_self) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream in(proc_self + "/stat");
  std::stringstream text;
  text << in.rdbuf();
  try {
    PidStat stat = parse_pid_stat(text.str());
    out.add(kCpu, static_cast<double>(stat.utime_ticks + stat.stime_ticks) / ticks);
    out.add(kResident, static_cast<double>(stat.rss_pages) * page_size);
    out.add(kThreads, static_cast<double>(stat.num_threads));
  } catch (const std::exception&) {
    return;  // no /proc (unusual sandbox): the series are absent, not zero
  }
  std::error_code error;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it(proc_self + "/fd", error), end; !error && it != end; it.increment(error)) {
    ++fds;
  }
  if (!error) out.add(kOpenFds, static_cast<double>(fds));
}

}  // namespace ainode
