#pragma once
// Faults declared by cause and the ground-truth labels of a scenario file:
//   [[fault]] kind = "thermal" gpu = 3 from_seconds = 60 to_seconds = 240 severity = 0.6
//   [[label]] cause = "thermal" gpu = 3 from_seconds = 60 to_seconds = 240
// The cause names are the vocabulary root-cause analysis reports; keep them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode::twin {

enum class Cause {
  none, thermal, power_cap, hw_slowdown, pcie_link_degraded, nvlink_errors, ecc_errors, xid, gpu_lost,
  network_retransmits, infiniband_errors, cpu_contention, memory_pressure, disk_io, oom_kill, pod_eviction, pod_restart
};

std::string_view cause_name(Cause cause);
std::optional<Cause> cause_from_name(std::string_view name);
// Causes acting on a GPU (the simulated NVML produces their symptoms); the
// others act in the host simulator.
bool is_gpu_cause(Cause cause);
const std::vector<Cause>& all_causes();

// What a fault or label is about: a GPU index, a device name (a disk, NIC or
// InfiniBand port, e.g. "nvme0n1", "eth0", "mlx5_0"), or a pod.
struct Subject {
  std::optional<unsigned> gpu;
  std::string device;
  std::string pod;
};

struct Fault {
  Cause kind = Cause::none;
  Subject subject;
  double from_seconds = 0, to_seconds = 1e18;
  double severity = 0.5;  // 0..1: how bad, mapped per kind (docs/twin.md)
  unsigned long long xid = 0;  // kind = "xid"
  std::string mode;       // a variant of the cause: thermal "cooling"/"fan"/"inlet", ecc "corrected"/"uncorrected"
  long long exit_code = 1;  // pod_restart: the exit code of the container that ended
  bool active(double t) const { return t >= from_seconds && t < to_seconds; }
};

struct Label {
  Cause cause = Cause::none;
  Subject subject;
  double from_seconds = 0, to_seconds = 1e18;
};

struct Causes {
  std::vector<Fault> faults;
  std::vector<Label> labels;
};

// Reads the [[fault]] and [[label]] tables of a scenario file. Throws
// std::runtime_error naming the file, line and key on bad input (an unknown
// kind, a severity outside 0..1, an xid fault without `xid`).
Causes load_causes(const std::string& path);

// When an oom_kill fault kills: at its start, then every 30 s at severity 1
// (less often when milder) while it lasts; the kills up to time t.
std::vector<double> oom_kill_times(const Fault& fault, double t);

}  // namespace ainode::twin
