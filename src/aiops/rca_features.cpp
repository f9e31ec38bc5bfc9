#include "aiops/rca_features.hpp"

#include <algorithm>
#include <cmath>

#include "gpu/gpu_view.hpp"

namespace ainode::aiops {

namespace {

std::string_view label(const Family& family, const Sample& sample, std::string_view name) {
  const auto& names = family.desc->labels;
  for (std::size_t i = 0; i < names.size() && i < sample.label_values.size(); ++i) {
    if (names[i] == name) return sample.label_values[i];
  }
  return {};
}

// Calls visit(family, sample) for every sample of the family `name`.
template <typename Visit>
void each_sample(std::span<const Family> families, std::string_view name, Visit visit) {
  for (const auto& family : families) {
    if (family.desc == nullptr || family.desc->name != name) continue;
    for (const auto& sample : family.samples) visit(family, sample);
  }
}

std::optional<double> sum_of(std::span<const Family> families, std::string_view name) {
  std::optional<double> sum;
  each_sample(families, name, [&](const Family&, const Sample& s) { sum = sum.value_or(0) + s.value; });
  return sum;
}

std::optional<double> value_of(const std::map<std::string, double>& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::optional<double> ecc_count(const GpuReading& r, const char* type) {
  auto it = r.ecc_errors.find({type, "volatile"});
  if (it == r.ecc_errors.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<double> FeatureExtractor::rate(const std::string& key, std::optional<double> value, double seconds) {
  if (!value) return std::nullopt;
  current_[key] = *value;
  auto before = previous_.find(key);
  if (before == previous_.end() || seconds <= 0 || *value < before->second) return std::nullopt;
  return (*value - before->second) / seconds;
}

double FeatureExtractor::increase(const std::string& key, std::optional<double> value) {
  if (!value) return 0;
  current_[key] = *value;
  auto before = previous_.find(key);
  if (before == previous_.end() || *value < before->second) return 0;
  return *value - before->second;
}

CycleFeatures FeatureExtractor::extract(std::span<const Family> families, std::chrono::system_clock::time_point time) {
  CycleFeatures f;
  f.time = time;
  f.has_previous = previous_time_.has_value();
  double dt = previous_time_ ? std::chrono::duration<double>(time - *previous_time_).count() : 0;
  current_.clear();

  for (const GpuView& view : gpu_views(families)) {
    const GpuReading& r = view.reading;
    GpuFeatures g;
    g.index = r.index;
    g.uuid = r.uuid;
    g.namespace_name = r.owner.namespace_name;
    g.pod = r.owner.pod;
    g.up = r.up;
    g.temperature_celsius = r.temperature_celsius;
    g.slowdown_celsius = value_of(r.temperature_thresholds_celsius, "slowdown");
    g.shutdown_celsius = value_of(r.temperature_thresholds_celsius, "shutdown");
    g.utilization_ratio = r.utilization_ratio;
    auto sm = value_of(r.clocks_hertz, "sm"), sm_max = value_of(r.max_clocks_hertz, "sm");
    if (r.utilization_ratio && sm && sm_max && *sm_max > 0) g.delivered_ratio = *r.utilization_ratio * *sm / *sm_max;
    g.power_watts = r.power_watts;
    if (r.power_watts) {
      std::string lag_key = "gpu/" + r.uuid + "/lagged_power";
      auto before = previous_.find(lag_key);
      double lagged = *r.power_watts;
      if (before != previous_.end() && dt > 0) {
        lagged = before->second + (*r.power_watts - before->second) * (1 - std::exp(-dt / kThermalTimeConstantSeconds));
      }
      current_[lag_key] = lagged;
      g.lagged_power_watts = lagged;
    }
    g.enforced_limit_watts = value_of(r.power_limits_watts, "enforced");
    g.default_limit_watts = value_of(r.power_limits_watts, "default");
    g.clock_event_reasons = r.clock_event_reasons;
    g.pcie_width = r.pcie_width;
    g.pcie_width_max = r.pcie_width_max;
    std::string key = "gpu/" + r.uuid + "/";
    g.pcie_replays_per_second = rate(key + "pcie_replays", r.pcie_replays, dt);
    std::optional<double> nvlink_errors;
    for (const auto& link : r.nvlinks) {
      ++g.nvlinks_known;
      if (!link.up) ++g.nvlinks_down;
      for (const auto& [counter, count] : link.errors) nvlink_errors = nvlink_errors.value_or(0) + count;
    }
    g.nvlink_errors_per_second = rate(key + "nvlink_errors", nvlink_errors, dt);
    if (auto corrected = rate(key + "ecc_corrected", ecc_count(r, "corrected"), dt)) g.ecc_corrected_per_minute = 60 * *corrected;
    g.ecc_uncorrected_new = increase(key + "ecc_uncorrected", ecc_count(r, "uncorrected"));
    std::optional<double> retired;
    for (const auto& [cause, pages] : r.retired_pages) retired = retired.value_or(0) + pages;
    g.retired_pages_new = increase(key + "retired_pages", retired);
    g.remap_pending = r.remapped_rows_pending.value_or(false);
    g.remap_failure = r.remapped_rows_failure.value_or(false);
    for (const auto& [code, count] : view.xid_errors) {
      // A code seen for the first time after the first cycle is new too.
      std::string xid_key = key + "xid/" + std::to_string(code);
      bool known_before = previous_.count(xid_key) > 0;
      double added = increase(xid_key, count);
      if (added > 0 || (!known_before && f.has_previous && count > 0)) g.new_xids.push_back(code);
    }
    f.gpus.push_back(std::move(g));
  }

  HostFeatures& h = f.host;
  each_sample(families, "ainode_pressure_stall_ratio", [&](const Family& fam, const Sample& s) {
    if (label(fam, s, "kind") != "some" || label(fam, s, "window") != "10s") return;
    auto resource = label(fam, s, "resource");
    if (resource == "cpu") h.psi_cpu = s.value;
    if (resource == "memory") h.psi_memory = s.value;
    if (resource == "io") h.psi_io = s.value;
  });
  std::map<std::string, double> cpu_modes;
  each_sample(families, "ainode_cpu_seconds_total",
              [&](const Family& fam, const Sample& s) { cpu_modes[std::string(label(fam, s, "mode"))] += s.value; });
  std::map<std::string, double> mode_seconds;
  double all_seconds = 0;
  for (const auto& [mode, seconds] : cpu_modes) {
    if (auto r = rate("cpu/" + mode, seconds, dt)) {
      mode_seconds[mode] = *r;
      all_seconds += *r;
    }
  }
  if (all_seconds > 0) {
    auto share = [&](const char* mode) -> std::optional<double> {
      auto it = mode_seconds.find(mode);
      if (it == mode_seconds.end()) return std::nullopt;
      return it->second / all_seconds;
    };
    h.cpu_user_ratio = share("user");
    h.cpu_system_ratio = share("system");
    h.cpu_iowait_ratio = share("iowait");
    h.cpu_steal_ratio = share("steal");
  }
  auto total = sum_of(families, "ainode_memory_total_bytes"), available = sum_of(families, "ainode_memory_available_bytes");
  if (total && available && *total > 0) h.memory_available_ratio = *available / *total;
  h.major_faults_per_second = rate("memory/major_faults", sum_of(families, "ainode_memory_major_page_faults_total"), dt);
  h.oom_kills_new = increase("memory/oom_kills", sum_of(families, "ainode_memory_oom_kills_total"));
  auto retransmitted = rate("tcp/retransmitted", sum_of(families, "ainode_tcp_retransmitted_segments_total"), dt);
  auto sent = rate("tcp/sent", sum_of(families, "ainode_tcp_out_segments_total"), dt);
  if (retransmitted && sent && *sent > 0) h.tcp_retransmit_ratio = *retransmitted / *sent;
  each_sample(families, "ainode_network_receive_drop_total", [&](const Family& fam, const Sample& s) {
    std::string device(label(fam, s, "device"));
    if (auto r = rate("nic/" + device + "/drops", s.value, dt)) h.nic_drops_per_second[device] = *r;
  });
  std::map<std::string, double> io_seconds, ios;
  for (const char* name : {"ainode_disk_read_time_seconds_total", "ainode_disk_write_time_seconds_total"}) {
    each_sample(families, name, [&](const Family& fam, const Sample& s) { io_seconds[std::string(label(fam, s, "device"))] += s.value; });
  }
  for (const char* name : {"ainode_disk_reads_completed_total", "ainode_disk_writes_completed_total"}) {
    each_sample(families, name, [&](const Family& fam, const Sample& s) { ios[std::string(label(fam, s, "device"))] += s.value; });
  }
  for (const auto& [device, count] : ios) {
    auto busy = rate("disk/" + device + "/seconds", io_seconds[device], dt);
    auto done = rate("disk/" + device + "/ios", count, dt);
    if (busy && done && *done > 0) h.disk_seconds_per_io[device] = *busy / *done;
  }
  std::map<std::string, double> ib_errors, ib_downed;
  each_sample(families, "ainode_infiniband_port_errors_total", [&](const Family& fam, const Sample& s) {
    std::string device(label(fam, s, "device"));
    auto counter = label(fam, s, "counter");
    if (counter == "link_downed") ib_downed[device] += s.value;
    else ib_errors[device] += s.value;
  });
  for (const auto& [device, count] : ib_errors) {
    if (auto r = rate("ib/" + device + "/errors", count, dt)) h.infiniband_errors_per_second[device] = *r;
  }
  for (const auto& [device, count] : ib_downed) h.infiniband_link_downed_new[device] = increase("ib/" + device + "/downed", count);

  each_sample(families, "ainode_process_cpu_seconds_total", [&](const Family& fam, const Sample& s) {
    ProcessFeatures p;
    p.pid = label(fam, s, "pid");
    p.name = label(fam, s, "name");
    p.namespace_name = label(fam, s, "namespace");
    p.pod = label(fam, s, "pod");
    std::string key = "process/" + p.pid + "/" + p.name;
    bool known = previous_.count(key) > 0;
    bool went_back = known && s.value < previous_.at(key);
    if (auto r = rate(key, s.value, dt)) p.cpus = *r;
    if (!p.pod.empty()) {
      PodFeatures& pod = f.pods[p.namespace_name + "/" + p.pod];
      pod.namespace_name = p.namespace_name;
      pod.pod = p.pod;
      ++pod.processes;
      if (went_back) pod.restarted = true;
    }
    h.busiest.push_back(std::move(p));
  });
  std::sort(h.busiest.begin(), h.busiest.end(), [](const auto& a, const auto& b) { return a.cpus > b.cpus; });

  previous_ = std::move(current_);
  current_ = {};
  previous_time_ = time;
  return f;
}

}  // namespace ainode::aiops
