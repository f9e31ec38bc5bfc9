#include "twin/host_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace ainode::twin {

namespace {

constexpr double kUserHz = 100;  // USER_HZ: /proc/stat and /proc/<pid>/stat count in 1/100 s

// The healthy node: a training job keeps a quarter of the CPUs in user time.
constexpr double kBaseUser = 0.25, kBaseSystem = 0.05, kBaseIowait = 0.01;

std::string_view default_device(Cause kind) {
  switch (kind) {
    case Cause::disk_io: return kDefaultDisk;
    case Cause::network_retransmits: return kDefaultNic;
    case Cause::infiniband_errors: return kDefaultInfiniband;
    default: return {};
  }
}

bool subject_matches(const Fault& f, std::string_view device) {
  if (device.empty()) return true;
  std::string_view own = f.subject.device.empty() ? default_device(f.kind) : std::string_view(f.subject.device);
  return own == device;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string whole(double value) { return std::to_string(static_cast<unsigned long long>(std::llround(std::max(0.0, value)))); }

unsigned long long number(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 10); }

template <typename Each>
std::string each_line(std::string_view text, Each each) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += each(text.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

double exposure(const Causes& causes, Cause kind, double t, std::string_view device) {
  double seconds = 0;
  for (const auto& f : causes.faults) {
    if (f.kind != kind || t <= f.from_seconds || !subject_matches(f, device)) continue;
    seconds += f.severity * (std::min(t, f.to_seconds) - f.from_seconds);
  }
  return seconds;
}

double active_severity(const Causes& causes, Cause kind, double t, std::string_view device) {
  double s = 0;
  for (const auto& f : causes.faults) {
    if (f.kind == kind && f.active(t) && subject_matches(f, device)) s = std::max(s, f.severity);
  }
  return s;
}

double noisy_neighbour_cpus(const Causes& causes, unsigned cpus, double t) {
  // At severity 1 the neighbour takes 60% of the node.
  return 0.6 * cpus * active_severity(causes, Cause::cpu_contention, t);
}

std::string evolve_proc_stat(std::string_view base, const Causes& causes, double t) {
  unsigned cpus = 0;
  each_line(base, [&](std::string_view line) {
    if (line.starts_with("cpu") && line.size() > 3 && line[3] != ' ') ++cpus;
    return std::string();
  });
  double noisy = 0.6 * exposure(causes, Cause::cpu_contention, t);        // share-seconds of each CPU
  double iowait = 0.1 * exposure(causes, Cause::disk_io, t);
  double reclaim = 0.1 * exposure(causes, Cause::memory_pressure, t);     // kswapd and direct reclaim: system time
  return each_line(base, [&](std::string_view line) {
    if (!line.starts_with("cpu")) return std::string(line);
    auto w = split_words(line);
    if (w.size() < 6) return std::string(line);
    double n = w[0] == "cpu" ? cpus : 1;  // the total line sums every CPU
    double user = kUserHz * n * (kBaseUser * t + noisy);
    double system = kUserHz * n * (kBaseSystem * t + reclaim);
    double wait = kUserHz * n * (kBaseIowait * t + iowait);
    // Every cause at full severity at once would ask for more than the CPUs
    // have: share out what there is.
    double all = kUserHz * n * t, busy = user + system + wait;
    if (busy > all) {
      user *= all / busy;
      system *= all / busy;
      wait *= all / busy;
    }
    double idle = std::max(0.0, all - user - system - wait);
    w[1] = whole(number(w[1]) + user);
    w[3] = whole(number(w[3]) + system);
    w[4] = whole(number(w[4]) + idle);
    w[5] = whole(number(w[5]) + wait);
    return join_words(w);
  });
}

std::string evolve_pressure(std::string_view base, std::string_view resource, const Causes& causes, double t) {
  // Share of time some (and all, "full") runnable tasks stall, per cause.
  Cause cause = resource == "cpu" ? Cause::cpu_contention : resource == "memory" ? Cause::memory_pressure : Cause::disk_io;
  double some_gain = resource == "cpu" ? 0.7 : 0.6, full_gain = resource == "cpu" ? 0 : 0.3;
  double s = active_severity(causes, cause, t);
  double seconds = exposure(causes, cause, t);
  return each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.size() != 5) return std::string(line);
    bool full = w[0] == "full";
    double gain = full ? full_gain : some_gain;
    auto field = [&](const std::string& word) { return std::strtod(word.c_str() + word.find('=') + 1, nullptr); };
    // The averages move with the fault (a 10 s average follows it at once, a
    // simplification); total counts microseconds of stall.
    char text[256];
    std::snprintf(text, sizeof text, "%s avg10=%.2f avg60=%.2f avg300=%.2f total=%s", w[0].c_str(),
                  std::min(100.0, field(w[1]) + 100 * gain * s), std::min(100.0, field(w[2]) + 100 * gain * s * 0.8),
                  std::min(100.0, field(w[3]) + 100 * gain * s * 0.4),
                  whole(number(w[4].substr(w[4].find('=') + 1)) + 1e6 * gain * seconds).c_str());
    return std::string(text);
  });
}

std::string evolve_meminfo(std::string_view base, const Causes& causes, double t) {
  // Under memory pressure a workload eats the available memory: 90% of it at severity 1.
  double s = active_severity(causes, Cause::memory_pressure, t);
  unsigned long long total = 0, available = 0, free = 0;
  each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.size() >= 2 && w[0] == "MemTotal:") total = number(w[1]);
    if (w.size() >= 2 && w[0] == "MemAvailable:") available = number(w[1]);
    if (w.size() >= 2 && w[0] == "MemFree:") free = number(w[1]);
    return std::string();
  });
  double taken = 0.9 * s * available;
  return each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.size() < 2) return std::string(line);
    unsigned long long value = number(w[1]);
    if (w[0] == "MemAvailable:") value = available - static_cast<unsigned long long>(taken);
    else if (w[0] == "MemFree:") value = free - static_cast<unsigned long long>(std::min<double>(taken, free));
    else if (w[0] == "AnonPages:") value += static_cast<unsigned long long>(taken);
    else return std::string(line);
    char text[128];
    std::snprintf(text, sizeof text, "%-15s %10llu kB", w[0].c_str(), std::min(value, total));
    return std::string(text);
  });
}

std::string evolve_vmstat(std::string_view base, const Causes& causes, double t) {
  // OOM kills (twin/causes.hpp: oom_kill_times).
  unsigned long long kills = 0;
  for (const auto& f : causes.faults) {
    if (f.kind == Cause::oom_kill) kills += oom_kill_times(f, t).size();
  }
  double reclaim = exposure(causes, Cause::memory_pressure, t);
  return each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.size() != 2) return std::string(line);
    unsigned long long value = number(w[1]);
    if (w[0] == "oom_kill") value += kills;
    else if (w[0] == "pgmajfault") value += static_cast<unsigned long long>(2000 * reclaim);
    else if (w[0] == "pgscan_direct") value += static_cast<unsigned long long>(50000 * reclaim);
    else return std::string(line);
    return w[0] + " " + std::to_string(value);
  });
}

std::string evolve_diskstats(std::string_view base, const Causes& causes, double t) {
  return each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.size() < 14) return std::string(line);
    const std::string& name = w[2];
    // Only whole disks do I/O in the twin; partitions keep their base counts.
    bool whole_disk = (name.starts_with("nvme") && name.find('p') == std::string::npos) ||
                      (name.starts_with("sd") && !std::isdigit(static_cast<unsigned char>(name.back())));
    if (!whole_disk) return std::string(line);
    // 100 reads and 200 writes a second at 0.3 ms; a disk_io fault makes each
    // one up to 100 times slower and keeps the queue full.
    double s = active_severity(causes, Cause::disk_io, t, name);
    double slow_seconds = exposure(causes, Cause::disk_io, t, name);
    double reads = 100 * t, writes = 200 * t;
    double read_ms = 0.3 * reads + 100 * 0.3 * 100 * slow_seconds;
    double write_ms = 0.3 * writes + 100 * 0.3 * 200 * slow_seconds;
    double busy_ms = 1000 * (0.09 * t + 0.91 * slow_seconds);
    w[3] = whole(number(w[3]) + reads);
    w[5] = whole(number(w[5]) + reads * 8);
    w[6] = whole(number(w[6]) + read_ms);
    w[7] = whole(number(w[7]) + writes);
    w[9] = whole(number(w[9]) + writes * 16);
    w[10] = whole(number(w[10]) + write_ms);
    w[11] = whole(std::round(1 + 63 * s));
    w[12] = whole(number(w[12]) + busy_ms);
    w[13] = whole(number(w[13]) + read_ms + write_ms);
    char head[64];
    std::snprintf(head, sizeof head, "%4s %7s %s", w[0].c_str(), w[1].c_str(), name.c_str());
    std::vector<std::string> rest(w.begin() + 3, w.end());
    return std::string(head) + " " + join_words(rest);
  });
}

std::string evolve_snmp(std::string_view base, const Causes& causes, double t) {
  // 20,000 segments a second; 2 retransmitted when healthy, up to 10% more at severity 1.
  double bad = exposure(causes, Cause::network_retransmits, t);
  double out_segments = 20000 * t, retransmitted = 2 * t + 2000 * bad;
  std::vector<std::string> header;
  return each_line(base, [&](std::string_view line) {
    auto w = split_words(line);
    if (w.empty() || w[0] != "Tcp:") return std::string(line);
    if (w.size() > 1 && !std::isdigit(static_cast<unsigned char>(w[1][0])) && w[1][0] != '-') {
      header = w;
      return std::string(line);
    }
    for (std::size_t i = 1; i < w.size() && i < header.size(); ++i) {
      if (header[i] == "OutSegs") w[i] = whole(number(w[i]) + out_segments);
      if (header[i] == "InSegs") w[i] = whole(number(w[i]) + out_segments * 1.1);
      if (header[i] == "RetransSegs") w[i] = whole(number(w[i]) + retransmitted);
    }
    return join_words(w);
  });
}

std::string evolve_net_dev(std::string_view base, const Causes& causes, double t) {
  return each_line(base, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) return std::string(line);
    std::string name = split_words(line.substr(0, colon)).at(0);
    auto w = split_words(line.substr(colon + 1));
    if (w.size() < 16 || name == "lo") return std::string(line);
    // 1 GB/s each way at 1,000-byte packets; a lossy path also drops on receive.
    double drops = 50 * exposure(causes, Cause::network_retransmits, t, name);
    double bytes = 1e9 * t, packets = 1e6 * t;
    w[0] = whole(number(w[0]) + bytes);
    w[1] = whole(number(w[1]) + packets);
    w[3] = whole(number(w[3]) + drops);
    w[8] = whole(number(w[8]) + bytes);
    w[9] = whole(number(w[9]) + packets);
    char head[32];
    std::snprintf(head, sizeof head, "%6s:", name.c_str());
    return std::string(head) + " " + join_words(w);
  });
}

std::string evolve_uptime(std::string_view base, double t) {
  auto w = split_words(base);
  if (w.size() < 2) return std::string(base);
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %.2f\n", std::strtod(w[0].c_str(), nullptr) + t,
                std::strtod(w[1].c_str(), nullptr) + t);
  return text;
}

std::string evolve_infiniband_counter(std::string_view base, std::string_view device, std::string_view counter,
                                      const Causes& causes, double t) {
  double bad = exposure(causes, Cause::infiniband_errors, t, device);
  double s = active_severity(causes, Cause::infiniband_errors, t, device);
  unsigned long long value = std::strtoull(std::string(base).c_str(), nullptr, 10);
  double add = 0;
  // Healthy traffic: 10 GB/s each way (data counters count 4-byte words).
  if (counter == "port_xmit_data" || counter == "port_rcv_data") add = 2.5e9 * t;
  else if (counter == "port_xmit_packets" || counter == "port_rcv_packets") add = 2.5e6 * t;
  else if (counter == "symbol_error") add = 20 * bad;
  else if (counter == "port_rcv_errors") add = 5 * bad;
  else if (counter == "port_xmit_wait") add = 1e5 * t + 5e6 * bad;  // congestion: ticks waiting to send
  else if (counter == "link_error_recovery") add = s >= 0.7 || bad > 0 ? std::floor(bad / 30) : 0;
  else if (counter == "link_downed") add = active_severity(causes, Cause::infiniband_errors, t, device) >= 0.9 ? 1 : 0;
  return std::to_string(value + static_cast<unsigned long long>(add)) + "\n";
}

std::string evolve_process_stat(std::string_view base, double busy_cpus, double t, double restarted_at) {
  auto close = base.rfind(')');
  if (close == std::string_view::npos) return std::string(base);
  auto w = split_words(base.substr(close + 2));
  // Fields after the command: state is w[0] (field 3), utime w[11] (14), starttime w[19] (22).
  if (w.size() < 20) return std::string(base);
  double since = restarted_at >= 0 ? restarted_at : 0;
  double utime = kUserHz * busy_cpus * std::max(0.0, t - since);
  w[11] = whole((restarted_at >= 0 ? 0 : number(w[11])) + utime);
  if (restarted_at >= 0) w[19] = whole(number(w[19]) + kUserHz * restarted_at);
  return std::string(base.substr(0, close + 2)) + join_words(w) + "\n";
}

unsigned pcie_width_at(const Causes& causes, unsigned gpu, unsigned max_width, double t) {
  unsigned width = max_width;
  for (const auto& f : causes.faults) {
    if (f.kind == Cause::pcie_link_degraded && f.subject.gpu == gpu && f.active(t)) {
      width = std::min(width, max_width >> (f.severity < 0.5 ? 1 : 2));
    }
  }
  return width;
}

}  // namespace ainode::twin
