#include "aiops/rca_evidence.hpp"

#include <algorithm>
#include <cmath>

namespace ainode::aiops {

namespace {

// NVML clock event reason bits (nvml.h, nvmlClocksEventReasons).
constexpr std::uint64_t kIdle = 0x1, kSwPowerCap = 0x4, kHwSlowdown = 0x8, kSwThermal = 0x20, kHwThermal = 0x40,
                        kHwPowerBrake = 0x80;

// Thresholds (docs/rca.md explains each).
constexpr double kThermalExcessCelsius = 5;    // hotter than its power explains by this much
constexpr double kSlowdownMarginCelsius = 3;   // this close to the slowdown threshold
constexpr double kExternalCapShare = 0.95;     // enforced limit under 95% of the default
constexpr double kPcieReplaysPerSecond = 8.0 / 60;  // DCGM's PCIe replay limit: 8 a minute
constexpr double kNvlinkErrorsPerSecond = 1;   // healthy links count none
constexpr double kNvlinkCrcPerSecond = 100;    // DCGM: NVLink CRC matters at >= 100 a second
constexpr double kCorrectedEccPerMinute = 60;  // a storm, not the odd corrected bit
constexpr double kClockShareUnexplained = 0.85;
constexpr double kBusyUtilization = 0.3;
constexpr double kPsiStall = 0.10;             // 10 more points of the last 10 s stalled
constexpr double kCpuUserRise = 0.10;
constexpr double kCpuSteal = 0.05;
constexpr double kMemoryAvailableDrop = 0.15;  // share of MemTotal
constexpr double kMemoryAvailableFloor = 0.05;
constexpr double kMajorFaultsRise = 500;       // a second
constexpr double kDiskLatencyFactor = 5, kDiskLatencyFloorSeconds = 0.005;
constexpr double kIowaitRise = 0.03;
constexpr double kTcpRetransmitRatio = 0.01;   // 1% of sent segments
constexpr double kNicDropsPerSecond = 10;
constexpr double kInfinibandErrorsPerSecond = 1;
constexpr double kBusyNeighbourCpus = 1;

constexpr double kEventHoldSeconds = 30;

RcaSubject node_subject() { return {}; }

RcaSubject gpu_subject(const GpuFeatures& g) {
  RcaSubject s;
  s.kind = RcaSubject::Kind::gpu;
  s.gpu = g.index;
  s.uuid = g.uuid;
  s.namespace_name = g.namespace_name;
  s.pod = g.pod;
  return s;
}

RcaSubject pod_subject(const PodFeatures& p) {
  RcaSubject s;
  s.kind = RcaSubject::Kind::pod;
  s.namespace_name = p.namespace_name;
  s.pod = p.pod;
  return s;
}

struct Collector {
  std::vector<Evidence>& out;
  std::chrono::system_clock::time_point at;
  void add(std::string cause, const RcaSubject& subject, std::string signal, double value, std::optional<double> baseline,
           double threshold, double weight, double hold = 0, std::string baseline_key = {}) {
    Evidence e;
    e.cause = std::move(cause);
    e.subject = subject;
    e.signal = std::move(signal);
    e.value = value;
    e.baseline = baseline;
    e.threshold = threshold;
    e.at = at;
    e.weight = weight;
    e.hold_seconds = hold;
    e.baseline_key = std::move(baseline_key);
    out.push_back(std::move(e));
  }
};

std::string gpu_key(const GpuFeatures& g) { return "gpu/" + std::to_string(g.index); }

void thermal_and_power(const RuleInputs& in, const GpuFeatures& g, Collector& c) {
  RcaSubject subject = gpu_subject(g);
  std::uint64_t reasons = g.clock_event_reasons.value_or(0);
  if (reasons & (kSwThermal | kHwThermal)) {
    c.add("thermal", subject, (reasons & kHwThermal) ? "gpu.throttle.hw_thermal" : "gpu.throttle.sw_thermal", 1,
          std::nullopt, 1, 3, 0, gpu_key(g) + "/temperature");
  }
  if (g.temperature_celsius && g.slowdown_celsius && *g.temperature_celsius >= *g.slowdown_celsius - kSlowdownMarginCelsius) {
    c.add("thermal", subject, "gpu.temperature_celsius", *g.temperature_celsius, std::nullopt,
          *g.slowdown_celsius - kSlowdownMarginCelsius, 2, 0, gpu_key(g) + "/temperature");
  } else if (auto fit = in.baselines.thermal.find(gpu_key(g)); fit != in.baselines.thermal.end() && g.temperature_celsius &&
             g.lagged_power_watts) {
    // Hotter than its own power explains: the cooling, not the work, changed
    // (a job stepping up draws more power, and is expected to be hotter).
    double expected = fit->second.intercept + fit->second.slope * *g.lagged_power_watts;
    if (*g.temperature_celsius >= expected + kThermalExcessCelsius) {
      // Corroborating only (1): a fit of a few minutes misses load changes
      // it has not seen (a step up, another board's time constant).
      c.add("thermal", subject, "gpu.temperature_celsius", *g.temperature_celsius, expected,
            expected + kThermalExcessCelsius, 1, 0, gpu_key(g) + "/temperature");
    }
  }
  bool capped = g.enforced_limit_watts && g.default_limit_watts &&
                *g.enforced_limit_watts < *g.default_limit_watts * kExternalCapShare;
  if (capped) {
    auto own = in.own_caps.find(g.uuid);
    bool ours = own != in.own_caps.end() &&
                (!own->second.watts || std::abs(*own->second.watts - *g.enforced_limit_watts) <= 1);
    c.add("power_cap", subject, ours ? "gpu.power_limit_watts.own_policy" : "gpu.power_limit_watts.enforced",
          *g.enforced_limit_watts, g.default_limit_watts, *g.default_limit_watts * kExternalCapShare, 3);
    if (reasons & kSwPowerCap) c.add("power_cap", subject, "gpu.throttle.sw_power_cap", 1, std::nullopt, 1, 1);
  }
  // HW slowdown is also raised with HW thermal slowdown (NVML): then it is thermal's.
  if ((reasons & kHwPowerBrake) || ((reasons & kHwSlowdown) && !(reasons & kHwThermal))) {
    c.add("hw_slowdown", subject, (reasons & kHwPowerBrake) ? "gpu.throttle.hw_power_brake" : "gpu.throttle.hw_slowdown", 1,
          std::nullopt, 1, 3);
  }
  // Clocks held down with no reason the driver names: slower, but why is unknown.
  bool at_board_limit = (reasons & kSwPowerCap) && !capped;
  bool named = (reasons & ~(kIdle)) != 0;
  if (!named && !at_board_limit && g.utilization_ratio && g.delivered_ratio && *g.utilization_ratio >= kBusyUtilization &&
      *g.delivered_ratio < *g.utilization_ratio * kClockShareUnexplained) {
    c.add("unknown", subject, "gpu.sm_clock_share", *g.delivered_ratio / *g.utilization_ratio, std::nullopt,
          kClockShareUnexplained, 2);
  }
}

void links_and_memory(const GpuFeatures& g, Collector& c) {
  RcaSubject subject = gpu_subject(g);
  if (g.pcie_width && g.pcie_width_max && *g.pcie_width < *g.pcie_width_max) {
    c.add("pcie_link_degraded", subject, "gpu.pcie_link_width", *g.pcie_width, *g.pcie_width_max, *g.pcie_width_max, 3);
  }
  if (g.pcie_replays_per_second && *g.pcie_replays_per_second > kPcieReplaysPerSecond) {
    c.add("pcie_link_degraded", subject, "gpu.pcie_replays_per_second", *g.pcie_replays_per_second, std::nullopt,
          kPcieReplaysPerSecond, 2);
  }
  if (g.nvlink_errors_per_second && *g.nvlink_errors_per_second > kNvlinkErrorsPerSecond) {
    c.add("nvlink_errors", subject, "gpu.nvlink_errors_per_second", *g.nvlink_errors_per_second, std::nullopt,
          kNvlinkErrorsPerSecond, *g.nvlink_errors_per_second >= kNvlinkCrcPerSecond ? 3 : 2);
  }
  if (g.nvlinks_down > 0 && g.nvlinks_down < g.nvlinks_known) {
    c.add("nvlink_errors", subject, "gpu.nvlinks_down", g.nvlinks_down, 0, 0, 3);
  }
  if (g.ecc_corrected_per_minute && *g.ecc_corrected_per_minute > kCorrectedEccPerMinute) {
    c.add("ecc_errors", subject, "gpu.ecc_corrected_per_minute", *g.ecc_corrected_per_minute, std::nullopt,
          kCorrectedEccPerMinute, 2);
  }
  if (g.ecc_uncorrected_new > 0) {
    c.add("ecc_errors", subject, "gpu.ecc_uncorrected_new", g.ecc_uncorrected_new, 0, 0, 3, kEventHoldSeconds);
  }
  if (g.retired_pages_new > 0) {
    c.add("ecc_errors", subject, "gpu.retired_pages_new", g.retired_pages_new, 0, 0, 1, kEventHoldSeconds);
  }
  if (g.remap_failure) c.add("ecc_errors", subject, "gpu.remapped_rows_failure", 1, 0, 1, 2);
  else if (g.remap_pending) c.add("ecc_errors", subject, "gpu.remapped_rows_pending", 1, 0, 1, 1);
  bool memory_moved = g.ecc_uncorrected_new > 0 || g.retired_pages_new > 0 || g.remap_pending || g.remap_failure;
  for (unsigned code : g.new_xids) {
    if (code == 79) {
      c.add("gpu_lost", subject, "gpu.xid", code, std::nullopt, 0, 3, kEventHoldSeconds);
    } else if (is_memory_xid(code) && memory_moved) {
      c.add("ecc_errors", subject, "gpu.xid", code, std::nullopt, 0, 2, kEventHoldSeconds);
    } else {
      c.add("xid", subject, "gpu.xid", code, std::nullopt, 0, 3, kEventHoldSeconds);
    }
  }
}

void lost(const RuleInputs& in, const GpuFeatures& g, Collector& c) {
  RcaSubject subject = gpu_subject(g);
  auto last = in.last_slowdown_margin.find(g.uuid);
  // A GPU last seen at its slowdown temperature that then vanished without
  // XID 79 overheated (it reached its shutdown threshold between readings).
  bool fell_off_bus = std::find(g.new_xids.begin(), g.new_xids.end(), 79u) != g.new_xids.end();
  if (!fell_off_bus && last != in.last_slowdown_margin.end() && last->second <= kSlowdownMarginCelsius) {
    c.add("thermal", subject, "gpu.slowdown_margin_celsius.before_lost", last->second, std::nullopt,
          kSlowdownMarginCelsius, 4);
    return;
  }
  c.add("gpu_lost", subject, "gpu.up", 0, 1, 1, 3);
}

// Stall share above the node's own healthy peak (a node can idle at a few
// percent of I/O stall: the base tree's does at 12%).
void psi_rise(Collector& c, const Baselines& b, const char* cause, const std::string& resource, std::optional<double> stall) {
  std::string key = "host/psi_" + resource;
  auto peak = b.peak(key);
  if (!stall || !peak || *stall < *peak + kPsiStall) return;
  c.add(cause, node_subject(), "host.psi_" + resource + "_some_10s", *stall, peak, *peak + kPsiStall, 2, 0, key);
}

void host(const RuleInputs& in, Collector& c) {
  const HostFeatures& h = in.now.host;
  RcaSubject node = node_subject();
  const Baselines& b = in.baselines;
  psi_rise(c, b, "cpu_contention", "cpu", h.psi_cpu);
  if (auto base = b.get("host/cpu_user"); base && h.cpu_user_ratio && *h.cpu_user_ratio >= *base + kCpuUserRise) {
    c.add("cpu_contention", node, "host.cpu_user_ratio", *h.cpu_user_ratio, base, *base + kCpuUserRise, 1, 0, "host/cpu_user");
    // Name the busiest process that was not busy before: the likely neighbour.
    for (const auto& p : h.busiest) {
      if (p.cpus < kBusyNeighbourCpus) break;
      if (b.get("process/" + p.pid).value_or(0) < kBusyNeighbourCpus) {
        c.add("cpu_contention", node, "host.process_cpus{pid=" + p.pid + ",name=" + p.name + "}", p.cpus,
              b.get("process/" + p.pid), kBusyNeighbourCpus, 1);
        break;
      }
    }
  }
  if (h.cpu_steal_ratio && *h.cpu_steal_ratio >= kCpuSteal) {
    c.add("cpu_contention", node, "host.cpu_steal_ratio", *h.cpu_steal_ratio, b.get("host/cpu_steal"), kCpuSteal, 2);
  }
  psi_rise(c, b, "memory_pressure", "memory", h.psi_memory);
  if (h.memory_available_ratio) {
    auto base = b.get("host/memory_available");
    if (*h.memory_available_ratio <= kMemoryAvailableFloor) {
      c.add("memory_pressure", node, "host.memory_available_ratio", *h.memory_available_ratio, base, kMemoryAvailableFloor, 2);
    } else if (base && *h.memory_available_ratio <= *base - kMemoryAvailableDrop) {
      c.add("memory_pressure", node, "host.memory_available_ratio", *h.memory_available_ratio, base,
            *base - kMemoryAvailableDrop, 2, 0, "host/memory_available");
    }
  }
  if (auto base = b.get("host/major_faults"); base && h.major_faults_per_second && *h.major_faults_per_second >= *base + kMajorFaultsRise) {
    c.add("memory_pressure", node, "host.major_page_faults_per_second", *h.major_faults_per_second, base,
          *base + kMajorFaultsRise, 1, 0, "host/major_faults");
  }
  if (h.oom_kills_new > 0) c.add("oom_kill", node, "host.oom_kills_new", h.oom_kills_new, 0, 0, 3, kEventHoldSeconds);
  psi_rise(c, b, "disk_io", "io", h.psi_io);
  for (const auto& [device, latency] : h.disk_seconds_per_io) {
    auto base = b.get("disk/" + device + "/latency");
    double threshold = std::max(kDiskLatencyFloorSeconds, base.value_or(0) * kDiskLatencyFactor);
    if (latency >= threshold) {
      c.add("disk_io", node, "host.disk_seconds_per_io{device=" + device + "}", latency, base, threshold, 2, 0,
            "disk/" + device + "/latency");
    }
  }
  if (auto base = b.get("host/cpu_iowait"); base && h.cpu_iowait_ratio && *h.cpu_iowait_ratio >= *base + kIowaitRise) {
    c.add("disk_io", node, "host.cpu_iowait_ratio", *h.cpu_iowait_ratio, base, *base + kIowaitRise, 1, 0, "host/cpu_iowait");
  }
  if (h.tcp_retransmit_ratio && *h.tcp_retransmit_ratio >= kTcpRetransmitRatio) {
    c.add("network_retransmits", node, "host.tcp_retransmit_ratio", *h.tcp_retransmit_ratio, b.get("host/tcp_retransmit"),
          kTcpRetransmitRatio, 3);
  }
  for (const auto& [device, drops] : h.nic_drops_per_second) {
    if (drops >= kNicDropsPerSecond) {
      c.add("network_retransmits", node, "host.nic_receive_drops_per_second{device=" + device + "}", drops, std::nullopt,
            kNicDropsPerSecond, 1);
    }
  }
  for (const auto& [device, errors] : h.infiniband_errors_per_second) {
    if (errors >= kInfinibandErrorsPerSecond) {
      c.add("infiniband_errors", node, "host.infiniband_errors_per_second{device=" + device + "}", errors, std::nullopt,
            kInfinibandErrorsPerSecond, 3);
    }
  }
  for (const auto& [device, downed] : h.infiniband_link_downed_new) {
    if (downed > 0) {
      c.add("infiniband_errors", node, "host.infiniband_link_downed_new{device=" + device + "}", downed, 0, 0, 2,
            kEventHoldSeconds);
    }
  }
}

void pods(const RuleInputs& in, Collector& c) {
  for (const auto& [key, pod] : in.now.pods) {
    if (pod.restarted) c.add("pod_restart", pod_subject(pod), "pod.process_cpu_restarted", 1, 0, 0, 3, kEventHoldSeconds);
  }
  // A pod whose every process vanished between two cycles was stopped from
  // outside; without the kubelet's word (pod_evicted events) this is weaker.
  for (const auto& [key, pod] : in.previous_pods) {
    if (pod.processes > 0 && !in.now.pods.count(key)) {
      c.add("pod_eviction", pod_subject(pod), "pod.processes", 0, pod.processes, 0, 2, kEventHoldSeconds);
    }
  }
}

}  // namespace

const std::vector<std::string>& rca_causes() {
  static const std::vector<std::string> causes = {
      "thermal",           "power_cap",      "hw_slowdown", "pcie_link_degraded", "nvlink_errors",   "ecc_errors",
      "xid",               "gpu_lost",       "network_retransmits", "infiniband_errors", "cpu_contention", "memory_pressure",
      "disk_io",           "oom_kill",       "pod_eviction", "pod_restart",       "unknown"};
  return causes;
}

std::string RcaSubject::key() const {
  switch (kind) {
    case Kind::gpu: return "gpu/" + std::to_string(gpu.value_or(0));
    case Kind::pod: return "pod/" + namespace_name + "/" + pod;
    case Kind::node: break;
  }
  return "node";
}

std::optional<double> Baselines::get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second.mean;
}

std::optional<double> Baselines::peak(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second.max;
}

bool is_memory_xid(unsigned code) {
  return code == 48 || code == 63 || code == 64 || code == 92 || code == 94 || code == 95;
}

std::vector<Evidence> evaluate_rules(const RuleInputs& in) {
  std::vector<Evidence> out;
  if (!in.now.has_previous) return out;  // rates and baselines need a second cycle
  Collector c{out, in.now.time};
  for (const auto& g : in.now.gpus) {
    if (!g.up) {
      lost(in, g, c);
      continue;
    }
    thermal_and_power(in, g, c);
    links_and_memory(g, c);
  }
  host(in, c);
  pods(in, c);
  return out;
}

std::vector<std::pair<std::string, double>> baseline_samples(const CycleFeatures& now) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& g : now.gpus) {
    if (!g.up) continue;
    if (g.temperature_celsius) out.emplace_back(gpu_key(g) + "/temperature", *g.temperature_celsius);
    if (g.delivered_ratio) out.emplace_back(gpu_key(g) + "/delivered", *g.delivered_ratio);
  }
  const HostFeatures& h = now.host;
  auto add = [&](const char* key, const std::optional<double>& v) {
    if (v) out.emplace_back(key, *v);
  };
  add("host/psi_cpu", h.psi_cpu);
  add("host/psi_memory", h.psi_memory);
  add("host/psi_io", h.psi_io);
  add("host/cpu_user", h.cpu_user_ratio);
  add("host/cpu_steal", h.cpu_steal_ratio);
  add("host/cpu_iowait", h.cpu_iowait_ratio);
  add("host/memory_available", h.memory_available_ratio);
  add("host/major_faults", h.major_faults_per_second);
  add("host/tcp_retransmit", h.tcp_retransmit_ratio);
  for (const auto& [device, latency] : h.disk_seconds_per_io) out.emplace_back("disk/" + device + "/latency", latency);
  for (const auto& p : h.busiest) out.emplace_back("process/" + p.pid, p.cpus);
  return out;
}


}  // namespace ainode::aiops
