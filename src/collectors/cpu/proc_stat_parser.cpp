#include "collectors/cpu/proc_stat_parser.hpp"

#include "core/text.hpp"

namespace ainode {

namespace {

CpuTicks parse_cpu_line(const std::vector<std::string_view>& fields) {
  CpuTicks ticks;
  std::string_view name = fields[0];
  if (name.size() > 3) {
    // Bounded so a garbage number cannot wrap to -1 and pose as the aggregate line.
    constexpr std::uint64_t kMaxCpuNumber = 1 << 20;
    std::uint64_t number = text::require_u64(name.substr(3), "cpu number");
    if (number > kMaxCpuNumber) throw ParseError("cpu number out of range in '" + std::string(name) + "'");
    ticks.cpu = static_cast<int>(number);
  }
  if (fields.size() < 5) throw ParseError("cpu line '" + std::string(name) + "' has too few fields");
  std::uint64_t* columns[] = {&ticks.user,  &ticks.nice,    &ticks.system, &ticks.idle,  &ticks.iowait,
                              &ticks.irq,   &ticks.softirq, &ticks.steal,  &ticks.guest, &ticks.guest_nice};
  for (std::size_t i = 1; i < fields.size() && i <= std::size(columns); ++i) {
    *columns[i - 1] = text::require_u64(fields[i], "cpu ticks");
  }
  return ticks;
}

}  // namespace

ProcStat parse_proc_stat(std::string_view text) {
  ProcStat stat;
  for (auto line : text::lines(text)) {
    auto fields = text::fields(line);
    if (fields.size() < 2) continue;
    std::string_view key = fields[0];
    if (key.starts_with("cpu")) {
      CpuTicks ticks = parse_cpu_line(fields);
      if (ticks.cpu < 0) {
        stat.aggregate = ticks;
      } else {
        stat.cpus.push_back(ticks);
      }
    } else if (key == "ctxt") {
      stat.context_switches = text::require_u64(fields[1], "ctxt");
    } else if (key == "intr") {
      stat.interrupts = text::require_u64(fields[1], "intr");
    } else if (key == "btime") {
      stat.boot_time = text::require_u64(fields[1], "btime");
    } else if (key == "processes") {
      stat.forks = text::require_u64(fields[1], "processes");
    } else if (key == "procs_running") {
      stat.procs_running = text::require_u64(fields[1], "procs_running");
    } else if (key == "procs_blocked") {
      stat.procs_blocked = text::require_u64(fields[1], "procs_blocked");
    }
  }
  if (!stat.aggregate) throw ParseError("no aggregate cpu line in /proc/stat");
  return stat;
}

std::optional<double> cpu_utilization(const CpuTicks& previous, const CpuTicks& current) {
  if (current.total() < previous.total() || current.idle_total() < previous.idle_total()) return std::nullopt;
  std::uint64_t total = current.total() - previous.total();
  std::uint64_t idle = current.idle_total() - previous.idle_total();
  if (total == 0 || idle > total) return std::nullopt;
  return 1.0 - static_cast<double>(idle) / static_cast<double>(total);
}

}  // namespace ainode
