#include "twin/host_tree.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "twin/gpu_identity.hpp"
#include "twin/host_model.hpp"

namespace ainode::twin {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "…/kubepods-burstable-pod3f2b8c1e_5d4a_….slice/…" -> "3f2b8c1e-5d4a-…"
std::string pod_uid_of(const std::string& cgroup) {
  auto at = cgroup.find("-pod");
  if (at == std::string::npos) return "";
  auto end = cgroup.find(".slice", at);
  std::string uid = cgroup.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
  std::replace(uid.begin(), uid.end(), '_', '-');
  return uid;
}

std::string pod_slice(const std::string& cgroup) {
  auto end = cgroup.find(".slice/cri-");
  return end == std::string::npos ? cgroup : cgroup.substr(0, end + 6);
}

constexpr const char* kNoisyPid = "31337";
constexpr const char* kNoisyPod = "0e15e0e1-0000-4000-8000-00000000b16b";

bool pod_fault_active(const Causes& causes, Cause kind, const std::string& uid, double t, double* from = nullptr) {
  for (const auto& f : causes.faults) {
    if (f.kind != kind || f.subject.pod != uid) continue;
    if (kind == Cause::pod_restart ? t >= f.from_seconds : f.active(t)) {
      if (from != nullptr) *from = f.from_seconds;
      return true;
    }
  }
  return false;
}

}  // namespace

HostTree::HostTree(const fs::path& base_proc, const fs::path& base_sys, const fs::path& out, Causes causes)
    : out_(out), causes_(std::move(causes)) {
  fs::create_directories(out_);
  fs::remove_all(out_ / "proc");
  fs::remove_all(out_ / "sys");
  fs::copy(base_proc, out_ / "proc", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::copy(base_sys, out_ / "sys", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  for (const char* file : {"proc/stat", "proc/meminfo", "proc/vmstat", "proc/diskstats", "proc/net/snmp", "proc/net/dev",
                           "proc/uptime", "proc/pressure/cpu", "proc/pressure/memory", "proc/pressure/io"}) {
    if (fs::exists(out_ / file)) base_[file] = read_text(out_ / file);
  }
  std::istringstream stat(base_["proc/stat"]);
  for (std::string line; std::getline(stat, line);) {
    if (line.starts_with("cpu") && line.size() > 3 && line[3] != ' ') ++cpus_;
  }
  fs::path ib = out_ / "sys/class/infiniband";
  if (fs::exists(ib)) {
    for (const auto& counter : fs::recursive_directory_iterator(ib)) {
      if (counter.is_regular_file() && counter.path().parent_path().filename() == "counters") {
        base_[fs::relative(counter.path(), out_).string()] = read_text(counter.path());
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(out_ / "proc")) {
    std::string pid = entry.path().filename().string();
    if (!std::all_of(pid.begin(), pid.end(), ::isdigit) || !fs::exists(entry.path() / "stat")) continue;
    Process p;
    p.pid = pid;
    for (const auto& file : fs::directory_iterator(entry.path())) {
      if (file.is_regular_file()) p.files[file.path().filename().string()] = read_text(file.path());
    }
    p.cgroup = p.files["cgroup"].substr(0, p.files["cgroup"].find('\n'));
    p.cgroup = p.cgroup.substr(p.cgroup.find("::") == std::string::npos ? 0 : p.cgroup.find("::") + 2);
    p.pod_uid = pod_uid_of(p.cgroup);
    // A pod's process feeds its GPU (most of one CPU); the rest idle along.
    p.busy_cpus = p.pod_uid.empty() ? 0.01 : 0.9;
    processes_.push_back(std::move(p));
  }
}

void HostTree::write(const fs::path& relative, const std::string& text) {
  fs::path target = out_ / relative;
  fs::create_directories(target.parent_path());
  fs::path temporary = target;
  temporary += ".twin-tmp";
  std::ofstream(temporary) << text;
  fs::rename(temporary, target);
}

void HostTree::render(double t) {
  write("proc/stat", evolve_proc_stat(base_["proc/stat"], causes_, t));
  write("proc/meminfo", evolve_meminfo(base_["proc/meminfo"], causes_, t));
  write("proc/vmstat", evolve_vmstat(base_["proc/vmstat"], causes_, t));
  write("proc/diskstats", evolve_diskstats(base_["proc/diskstats"], causes_, t));
  write("proc/net/snmp", evolve_snmp(base_["proc/net/snmp"], causes_, t));
  write("proc/net/dev", evolve_net_dev(base_["proc/net/dev"], causes_, t));
  write("proc/uptime", evolve_uptime(base_["proc/uptime"], t));
  for (const char* resource : {"cpu", "memory", "io"}) {
    std::string file = std::string("proc/pressure/") + resource;
    if (base_.count(file)) write(file, evolve_pressure(base_[file], resource, causes_, t));
  }
  for (const auto& [relative, text] : base_) {
    if (relative.find("/counters/") == std::string::npos) continue;
    fs::path path(relative);  // sys/class/infiniband/<device>/ports/<n>/counters/<name>
    std::string device = path.parent_path().parent_path().parent_path().parent_path().filename().string();
    write(relative, evolve_infiniband_counter(text, device, path.filename().string(), causes_, t));
  }
  for (unsigned gpu = 0; gpu < 16; ++gpu) {
    fs::path device = fs::path("sys/bus/pci/devices") / gpu_sysfs_address(gpu);
    if (!fs::exists(out_ / device / "max_link_width")) continue;
    unsigned max = static_cast<unsigned>(std::stoul(read_text(out_ / device / "max_link_width")));
    write(device / "current_link_width", std::to_string(pcie_width_at(causes_, gpu, max, t)) + "\n");
  }
  render_processes(t);
}

void HostTree::render_processes(double t) {
  std::map<std::string, double> pod_cpu_seconds;
  std::map<std::string, std::string> pod_slices;
  for (const Process& p : processes_) {
    fs::path dir = fs::path("proc") / p.pid;
    // An evicted pod's processes are gone for the fault's window.
    if (!p.pod_uid.empty() && pod_fault_active(causes_, Cause::pod_eviction, p.pod_uid, t)) {
      fs::remove_all(out_ / dir);
      continue;
    }
    double restarted_at = -1;
    if (!p.pod_uid.empty()) pod_fault_active(causes_, Cause::pod_restart, p.pod_uid, t, &restarted_at);
    for (const auto& [name, text] : p.files) {
      if (name != "stat") write(dir / name, text);
    }
    write(dir / "stat", evolve_process_stat(p.files.at("stat"), p.busy_cpus, t, restarted_at));
    if (!p.pod_uid.empty()) {
      pod_cpu_seconds[p.pod_uid] += p.busy_cpus * (t - std::max(0.0, restarted_at));
      pod_slices[p.pod_uid] = pod_slice(p.cgroup);
    }
  }
  // The noisy neighbour of a cpu_contention fault: a pod of its own (the
  // fault's `pod`, else a fixed one) with one busy process.
  double noisy_cpus = noisy_neighbour_cpus(causes_, cpus_, t);
  double noisy_seconds = 0.6 * cpus_ * exposure(causes_, Cause::cpu_contention, t);
  if (noisy_seconds > 0 || noisy_cpus > 0) {
    std::string uid = kNoisyPod;
    for (const auto& f : causes_.faults) {
      if (f.kind == Cause::cpu_contention && !f.subject.pod.empty()) uid = f.subject.pod;
    }
    std::string slice_uid = uid;
    std::replace(slice_uid.begin(), slice_uid.end(), '-', '_');
    std::string slice = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + slice_uid + ".slice";
    fs::path dir = fs::path("proc") / kNoisyPid;
    write(dir / "comm", "stress-ng\n");
    write(dir / "cgroup", "0::" + slice + "/cri-containerd-0000000000000000000000000000000000000000000000000000000000b16b00.scope\n");
    char stat[512];
    std::snprintf(stat, sizeof stat,
                  "%s (stress-ng) R 1 %s %s 0 -1 4194304 1000 0 0 0 %llu 10 0 0 20 0 %u 0 100 1073741824 25000 "
                  "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                  kNoisyPid, kNoisyPid, kNoisyPid, static_cast<unsigned long long>(100 * noisy_seconds), cpus_);
    write(dir / "stat", stat);
    pod_cpu_seconds[uid] += noisy_seconds;
    pod_slices[uid] = slice;
  }
  // Per pod cgroup CPU time, as cgroup v2 counts it.
  for (const auto& [uid, seconds] : pod_cpu_seconds) {
    auto usec = static_cast<unsigned long long>(seconds * 1e6);
    write(fs::path("sys/fs/cgroup") / pod_slices[uid].substr(1) / "cpu.stat",
          "usage_usec " + std::to_string(usec) + "\nuser_usec " + std::to_string(usec * 9 / 10) + "\nsystem_usec " +
              std::to_string(usec / 10) + "\n");
  }
}

}  // namespace ainode::twin
