#include "collectors/processes/top_processes.hpp"

#include <algorithm>
#include <numeric>
#include <set>

namespace ainode {

std::vector<std::size_t> select_top_processes(const std::vector<PidStat>& processes,
                                              const std::map<ProcessKey, std::uint64_t>& previous_cpu_ticks,
                                              std::size_t top_n) {
  std::vector<std::uint64_t> recent(processes.size());
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const auto& p = processes[i];
    std::uint64_t now = p.utime_ticks + p.stime_ticks;
    auto found = previous_cpu_ticks.find({p.pid, p.start_time_ticks});
    recent[i] = found != previous_cpu_ticks.end() && found->second <= now ? now - found->second : now;
  }
  auto top_by = [&](auto value) {
    std::vector<std::size_t> order(processes.size());
    std::iota(order.begin(), order.end(), 0);
    std::size_t n = std::min(top_n, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](std::size_t a, std::size_t b) {
                        if (value(a) != value(b)) return value(a) > value(b);
                        return processes[a].pid < processes[b].pid;
                      });
    order.resize(n);
    return order;
  };
  std::set<std::size_t> chosen;
  for (auto i : top_by([&](std::size_t i) { return recent[i]; })) chosen.insert(i);
  for (auto i : top_by([&](std::size_t i) { return processes[i].rss_pages; })) chosen.insert(i);
  std::vector<std::size_t> out(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) { return processes[a].pid < processes[b].pid; });
  return out;
}

}  // namespace ainode
