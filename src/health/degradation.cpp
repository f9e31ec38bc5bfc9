#include "health/degradation.hpp"

#include <algorithm>
#include <functional>

#include "app/family_lookup.hpp"

namespace ainode {

namespace {

constexpr double kMebibyte = 1024.0 * 1024.0;

std::string series_key(const Family& family, const Sample& sample) {
  std::string key(family.desc->name);
  for (auto value : sample.label_values) {
    key += '\x1f';
    key += value;
  }
  return key;
}

std::optional<std::string_view> label(const Family& family, const Sample& sample, std::string_view name) {
  for (std::size_t i = 0; i < family.desc->labels.size(); ++i) {
    if (family.desc->labels[i] == name) return sample.label_values[i];
  }
  return std::nullopt;
}

}  // namespace

DegradationReport DegradationDetector::evaluate(std::span<const Family> families, std::chrono::steady_clock::time_point now) {
  // Only the series asked about below are remembered for the next snapshot
  // (all counters of an 8-GPU node, per CPU, process and GPU, made a map of
  // thousands of keys rebuilt every cycle).
  std::map<std::string, double> current;
  double seconds = previous_time_ ? std::chrono::duration<double>(now - *previous_time_).count() : 0;
  bool have_rates = previous_time_ && seconds > 0;

  // Increase of one series since the previous snapshot; nullopt when it is
  // new or went backwards (a reset says nothing about the interval), and
  // always without a previous snapshot, so every rate signal is left out.
  auto delta = [&](const Family& family, const Sample& sample) -> std::optional<double> {
    std::string key = series_key(family, sample);
    auto before = previous_.find(key);
    current[std::move(key)] = sample.value;
    if (!have_rates || before == previous_.end() || sample.value < before->second) return std::nullopt;
    return sample.value - before->second;
  };
  // Sum of increases of every series of `name` that passes `keep`.
  auto delta_sum = [&](std::string_view name, const std::function<bool(const Family&, const Sample&)>& keep = {})
      -> std::optional<double> {
    const Family* family = find_family(families, name);
    if (family == nullptr) return std::nullopt;
    std::optional<double> sum;
    for (const auto& sample : family->samples) {
      if (keep && !keep(*family, sample)) continue;
      if (auto d = delta(*family, sample)) sum = sum.value_or(0) + *d;
    }
    return sum;
  };
  // Per-device increases of `name`, by the "device" label.
  auto per_device = [&](std::string_view name) {
    std::map<std::string, double> out;
    if (const Family* family = find_family(families, name)) {
      for (const auto& sample : family->samples) {
        if (auto d = delta(*family, sample)) out[std::string(sample.label_values[0])] += *d;
      }
    }
    return out;
  };

  DegradationReport report;
  auto add = [&](const char* name, std::optional<double> value, double threshold, double weight) {
    if (value) report.signals.push_back({name, *value, threshold, *value >= threshold, weight});
  };

  {  // the rate signals: none without a previous snapshot
    auto busy = per_device("ainode_disk_io_time_seconds_total");
    std::optional<double> busiest;
    for (const auto& [device, busy_seconds] : busy) busiest = std::max(busiest.value_or(0), busy_seconds / seconds);
    add("disk_busy", busiest, 0.9, 1);

    auto read_time = per_device("ainode_disk_read_time_seconds_total");
    auto write_time = per_device("ainode_disk_write_time_seconds_total");
    auto reads = per_device("ainode_disk_reads_completed_total");
    auto writes = per_device("ainode_disk_writes_completed_total");
    std::optional<double> slowest;
    for (const auto& [device, r] : reads) {
      double ops = r + writes[device];
      if (ops > 0) slowest = std::max(slowest.value_or(0), (read_time[device] + write_time[device]) / ops);
    }
    if (!reads.empty()) add("disk_latency", slowest.value_or(0), 0.05, 1);

    auto drops_in = delta_sum("ainode_network_receive_drop_total");
    auto drops_out = delta_sum("ainode_network_transmit_drop_total");
    if (drops_in || drops_out) add("network_drops", (drops_in.value_or(0) + drops_out.value_or(0)) / seconds, 100, 1);

    auto retransmitted = delta_sum("ainode_tcp_retransmitted_segments_total");
    auto sent = delta_sum("ainode_tcp_out_segments_total");
    if (retransmitted && sent && *sent >= 100) add("tcp_retransmissions", *retransmitted / *sent, 0.01, 1);

    auto swapped_in = delta_sum("ainode_memory_swapped_in_bytes_total");
    auto swapped_out = delta_sum("ainode_memory_swapped_out_bytes_total");
    if (swapped_in || swapped_out) add("swapping", (swapped_in.value_or(0) + swapped_out.value_or(0)) / seconds, 10 * kMebibyte, 1);

    // NVIDIA's volatile uncorrected ECC errors and AMD's uncorrected RAS
    // errors (any block) are the same event: memory the GPU could not fix.
    auto ecc = delta_sum("ainode_gpu_ecc_errors_total", [](const Family& f, const Sample& s) {
      return label(f, s, "type") == "uncorrected" && label(f, s, "scope") == "volatile";
    });
    auto ras = delta_sum("ainode_gpu_ras_errors_total",
                         [](const Family& f, const Sample& s) { return label(f, s, "type") == "uncorrected"; });
    if (ecc || ras) add("gpu_ecc_errors", ecc.value_or(0) + ras.value_or(0), 1, 3);
    add("gpu_xid_errors", delta_sum("ainode_gpu_xid_errors_total"), 1, 3);
  }

  // Current-state signals need no history.
  if (const Family* throttle = find_family(families, "ainode_gpu_throttle_reason")) {
    static const std::vector<std::string_view> kHarmful = {"hw_thermal", "sw_thermal", "hw_slowdown", "hw_power_brake",
                                                           "sw_power_cap"};
    std::map<std::string, bool> throttled;
    for (const auto& sample : throttle->samples) {
      auto reason = label(*throttle, sample, "reason");
      bool harmful = reason && std::find(kHarmful.begin(), kHarmful.end(), *reason) != kHarmful.end();
      throttled[std::string(sample.label_values[1])] |= harmful && sample.value > 0;
    }
    double count = 0;
    for (const auto& [uuid, is_throttled] : throttled) count += is_throttled ? 1 : 0;
    add("gpu_throttling", count, 1, 2);
  }
  std::optional<double> narrow;
  if (const Family* degraded = find_family(families, "ainode_pcie_link_width_degraded")) {
    for (const auto& sample : degraded->samples) narrow = narrow.value_or(0) + (sample.value > 0 ? 1 : 0);
  }
  add("pcie_trained_down", narrow, 1, 2);

  double weighted = 0, weights = 0;
  for (const auto& s : report.signals) {
    weighted += s.active ? s.weight : 0;
    weights += s.weight;
  }
  if (weights > 0) report.score = weighted / weights;

  previous_ = std::move(current);
  previous_time_ = now;
  return report;
}

}  // namespace ainode
