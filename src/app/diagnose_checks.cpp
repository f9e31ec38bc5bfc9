#include "app/diagnose_checks.hpp"

#include <algorithm>
#include <array>
#include <sstream>

#include <fmt/format.h>

#include "app/family_lookup.hpp"
#include "gpu/gpu_view.hpp"
#include "gpu/xid_catalogue.hpp"

namespace ainode {

namespace {

std::string_view label_of(const Family& family, const Sample& sample, std::string_view name) {
  for (std::size_t i = 0; i < family.desc->labels.size() && i < sample.label_values.size(); ++i) {
    if (family.desc->labels[i] == name) return sample.label_values[i];
  }
  return {};
}

class Checks {
 public:
  void add(std::string name, std::string subject, CheckStatus status, std::string evidence, std::string fix = "") {
    out_.push_back(DiagnoseCheck{std::move(name), std::move(subject), status, std::move(evidence),
                                 status == CheckStatus::pass ? std::string() : std::move(fix)});
  }
  std::vector<DiagnoseCheck> take() { return std::move(out_); }

 private:
  std::vector<DiagnoseCheck> out_;
};

const CollectorStatus* collector(const Snapshot& snapshot, std::string_view name) {
  for (const auto& c : snapshot.collectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void nvml_check(const Snapshot& snapshot, std::span<const GpuView> gpus, Checks& out) {
  const CollectorStatus* gpu = collector(snapshot, "gpu");
  if (!gpu) {
    out.add("nvml", "", CheckStatus::warn, "the gpu collector is disabled", "enable it: --collector.gpu");
    return;
  }
  const nlohmann::json* nvml = nullptr;
  if (gpu->details && gpu->details->json().contains("nvml")) nvml = &gpu->details->json()["nvml"];
  if (!nvml || !nvml->value("available", false)) {
    std::string reason = nvml ? nvml->value("reason", std::string("not loaded")) : "no status";
    bool amd = std::any_of(gpus.begin(), gpus.end(), [](const GpuView& g) { return g.reading.vendor == "amd"; });
    out.add("nvml", "", amd ? CheckStatus::pass : CheckStatus::fail, "NVML unavailable: " + reason,
            "install the NVIDIA driver (libnvidia-ml.so.1) or point gpu.nvml_library at it; in a container, use the "
            "NVIDIA container toolkit");
    return;
  }
  std::string driver = nvml->value("driver_version", std::string());
  out.add("nvml", "", gpu->success ? CheckStatus::pass : CheckStatus::warn,
          fmt::format("NVML loaded, driver {}, CUDA {}, {} GPUs; events: {}", driver,
                      nvml->value("cuda_version", std::string()), gpus.size(), nvml->value("events", std::string())) +
              (gpu->success ? "" : "; last error: " + gpu->last_error),
          "see /v1/status (collectors.gpu) for the failing NVML call");
}

void gpu_checks(const GpuView& g, const DiagnoseInputs& in, Checks& out) {
  const GpuReading& r = g.reading;
  std::string who = fmt::format("GPU {} ({})", r.index, r.uuid);
  if (!r.up) {
    out.add("gpu.xid", who, CheckStatus::fail, "the GPU does not answer the driver (lost / fallen off the bus)",
            "drain the node and reboot it; if it repeats, open a support case (NVIDIA: XID 79)");
    return;
  }
  // ECC
  auto uncorrected_volatile = r.ecc_errors.find({"uncorrected", "volatile"});
  auto uncorrected_aggregate = r.ecc_errors.find({"uncorrected", "aggregate"});
  if (r.ecc_enabled.has_value() && !*r.ecc_enabled) {
    out.add("gpu.ecc", who, CheckStatus::warn, "ECC is disabled", "enable it: nvidia-smi -i N -e 1, then reset the GPU");
  } else if (uncorrected_volatile != r.ecc_errors.end() && uncorrected_volatile->second > 0) {
    out.add("gpu.ecc", who, CheckStatus::fail,
            fmt::format("{} uncorrected ECC errors since the driver loaded", uncorrected_volatile->second),
            "drain the GPU, check row remapping, then reset it (NVIDIA's XID 48 workflow)");
  } else if (uncorrected_aggregate != r.ecc_errors.end() && uncorrected_aggregate->second > 0) {
    out.add("gpu.ecc", who, CheckStatus::warn,
            fmt::format("{} uncorrected ECC errors in the GPU's life, none since the driver loaded",
                        uncorrected_aggregate->second),
            "watch the GPU's failure risk (ainode_gpu_failure_risk)");
  } else if (!r.ecc_errors.empty()) {
    out.add("gpu.ecc", who, CheckStatus::pass, "no uncorrected ECC errors");
  }
  // Row remapping, with the spare rows left per bank when the driver tells.
  if (r.remapped_rows_failure.has_value() || r.remapped_rows_pending.has_value()) {
    std::string banks;
    const auto& histogram = r.row_remap_bank_availability;
    for (const char* level : {"max", "high", "partial", "low", "none"}) {
      if (auto found = histogram.find(level); found != histogram.end()) {
        banks += fmt::format("{}{} {}", banks.empty() ? "; banks by spare rows left: " : ", ", level, found->second);
      }
    }
    auto banks_at = [&](const char* level) {
      auto found = histogram.find(level);
      return found == histogram.end() ? 0.0 : found->second;
    };
    if (r.remapped_rows_failure.value_or(false)) {
      out.add("gpu.row_remap", who, CheckStatus::fail, "row remapping failed (NVIDIA's RMA criterion)" + banks,
              "drain the GPU, run NVIDIA's field diagnostic and request an RMA");
    } else if (r.remapped_rows_pending.value_or(false)) {
      out.add("gpu.row_remap", who, CheckStatus::fail,
              "a row remap is pending: it takes effect at the next GPU reset" + banks,
              "drain the GPU and reset it (nvidia-smi -r -i N)");
    } else if (banks_at("none") > 0 || banks_at("low") > 0) {
      out.add("gpu.row_remap", who, CheckStatus::warn,
              fmt::format("no pending or failed remap, but banks are running out of spare rows{}", banks),
              "plan an RMA: a bank with no spare row fails its next remap (NVIDIA's RMA criterion)");
    } else {
      out.add("gpu.row_remap", who, CheckStatus::pass,
              fmt::format("no pending or failed remap; {} rows remapped for uncorrectable errors{}",
                          r.remapped_rows_uncorrectable.value_or(0), banks));
    }
  }
  // Persistence mode (Linux; NVML does not answer it elsewhere, and ainode never sets it).
  if (r.persistence_mode) {
    out.add("gpu.persistence_mode", who, *r.persistence_mode ? CheckStatus::pass : CheckStatus::warn,
            *r.persistence_mode ? "persistence mode enabled"
                                : "persistence mode disabled: the driver tears its state down whenever the last client "
                                  "exits, so each job's first NVML or CUDA call pays for re-initializing the GPU",
            "run NVIDIA's persistence daemon (systemctl enable --now nvidia-persistenced)");
  }
  // XIDs: seen since the agent started (NVML) and in the risk history (both sources).
  std::map<unsigned, double> xids = g.xid_errors;
  auto risk = in.risk.find(r.uuid);
  CheckStatus xid_status = CheckStatus::pass;
  std::string xid_evidence;
  for (const auto& [code, count] : xids) {
    if (count <= 0) continue;
    XidAction action = xid_info(code).action;
    CheckStatus status = action == XidAction::none || action == XidAction::check_application ? CheckStatus::warn
                         : action == XidAction::restart_application                          ? CheckStatus::warn
                                                                                              : CheckStatus::fail;
    xid_status = std::max(xid_status, status);
    xid_evidence += fmt::format("{}XID {} ({}) x{}", xid_evidence.empty() ? "" : ", ", code, xid_info(code).meaning, count);
  }
  if (risk != in.risk.end()) {
    for (const auto& reason : risk->second.reasons) {
      if (!reason.reason.starts_with("xid_")) continue;
      xid_status = std::max(xid_status, reason.action >= RiskAction::drain ? CheckStatus::fail
                                        : reason.action == RiskAction::watch ? CheckStatus::warn
                                                                             : xid_status);
      xid_evidence += (xid_evidence.empty() ? "" : "; ") + reason.detail;
    }
  }
  out.add("gpu.xid", who, xid_status, xid_evidence.empty() ? "no XID since the agent started" : xid_evidence,
          "see docs/risk.md for NVIDIA's action per XID; `ainode events --types gpu_xid` shows each");
  // Throttling
  if (g.throttle_reasons_known()) {
    std::vector<std::string> hardware, software;
    for (const char* reason : {"hw_slowdown", "hw_thermal", "hw_power_brake"}) {
      if (g.throttled_by(reason)) hardware.push_back(reason);
    }
    for (const char* reason : {"sw_thermal", "sw_power_cap"}) {
      if (g.throttled_by(reason)) software.push_back(reason);
    }
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    if (!hardware.empty()) {
      out.add("gpu.throttle", who, CheckStatus::fail, "clocks held down by the hardware: " + join(hardware),
              "check cooling, the PSU and power-brake cabling; a persistent HW slowdown needs service");
    } else if (g.throttled_by("sw_thermal")) {
      out.add("gpu.throttle", who, CheckStatus::warn, "clocks held down for heat: " + join(software),
              "check airflow, fans and inlet temperature");
    } else {
      out.add("gpu.throttle", who, CheckStatus::pass,
              software.empty() ? "no throttling" : "power cap only (" + join(software) + "): the GPU is at its limit");
    }
  }
  // PCIe width (the generation drops at idle to save power, the width must not)
  if (r.pcie_width && r.pcie_width_max) {
    bool narrow = *r.pcie_width < *r.pcie_width_max;
    out.add("gpu.pcie_width", who, narrow ? CheckStatus::fail : CheckStatus::pass,
            fmt::format("PCIe link x{} of x{}", *r.pcie_width, *r.pcie_width_max),
            "reseat the GPU or its riser and check the slot; the link trained down");
  }
  // NVLink
  if (!r.nvlinks.empty()) {
    std::string down;
    for (const auto& link : r.nvlinks) {
      if (!link.up) down += (down.empty() ? "" : ", ") + std::to_string(link.link);
    }
    bool errors = risk != in.risk.end() &&
                  std::any_of(risk->second.reasons.begin(), risk->second.reasons.end(),
                              [](const RiskReason& reason) { return reason.reason == "nvlink_errors"; });
    if (!down.empty()) {
      out.add("gpu.nvlink", who, CheckStatus::fail, fmt::format("{} of {} links down: {}", std::count(down.begin(), down.end(), ',') + 1,
                                                                r.nvlinks.size(), down),
              "drain the GPU; run NVIDIA's NVLink diagnostics (dcgmi diag -r 2) and check the NVSwitch fabric manager");
    } else if (errors) {
      out.add("gpu.nvlink", who, CheckStatus::warn, "all links up, but their error counters are rising",
              "watch ainode_gpu_nvlink_errors_total; a rising CRC or replay rate precedes link failures");
    } else {
      out.add("gpu.nvlink", who, CheckStatus::pass, fmt::format("{} links up", r.nvlinks.size()));
    }
  }
  // Temperature margin to the slowdown threshold
  auto slowdown = r.temperature_thresholds_celsius.find("slowdown");
  if (r.temperature_celsius && slowdown != r.temperature_thresholds_celsius.end()) {
    double margin = slowdown->second - *r.temperature_celsius;
    out.add("gpu.temperature_margin", who,
            margin < 5 ? CheckStatus::fail : margin < 10 ? CheckStatus::warn : CheckStatus::pass,
            fmt::format("{:.0f} °C, {:.0f} °C under the slowdown threshold ({:.0f} °C)", *r.temperature_celsius, margin,
                        slowdown->second),
            "check airflow, fans and inlet temperature before the GPU slows itself down");
  }
}

void host_checks(const Snapshot& snapshot, const DiagnoseInputs& in, Checks& out) {
  std::span<const Family> families = snapshot.families;
  auto total = find_value(families, "ainode_memory_total_bytes");
  auto available = find_value(families, "ainode_memory_available_bytes");
  if (total && available && *total > 0) {
    double share = *available / *total;
    out.add("host.memory", "", share < 0.05 ? CheckStatus::fail : share < 0.10 ? CheckStatus::warn : CheckStatus::pass,
            fmt::format("{:.1f} GiB of {:.1f} GiB available ({:.0f}%)", *available / (1 << 30), *total / (1 << 30),
                        share * 100),
            "find the largest processes (ainode_process_resident_memory_bytes) or pods; the OOM killer is close");
  }
  if (const Family* psi = find_family(families, "ainode_pressure_stall_ratio")) {
    CheckStatus status = CheckStatus::pass;
    std::string evidence;
    for (const auto& s : psi->samples) {
      if (label_of(*psi, s, "window") != "60s" || label_of(*psi, s, "kind") != "some") continue;
      std::string resource(label_of(*psi, s, "resource"));
      // The share of the last minute some task waited for the resource.
      CheckStatus here = s.value >= 0.40 ? CheckStatus::fail : s.value >= 0.10 ? CheckStatus::warn : CheckStatus::pass;
      status = std::max(status, here);
      evidence += fmt::format("{}{} {:.0f}%", evidence.empty() ? "" : ", ", resource, s.value * 100);
    }
    if (!evidence.empty()) {
      out.add("host.psi", "", status, "tasks stalled over the last minute (some): " + evidence,
              "see which resource stalls: CPU (too many threads per core), memory (reclaim), io (a slow disk)");
    }
  }
  if (const Family* size = find_family(families, "ainode_filesystem_size_bytes")) {
    const Family* avail = find_family(families, "ainode_filesystem_avail_bytes");
    bool any = false;
    for (const auto& s : size->samples) {
      if (!avail || s.value <= 0) continue;
      auto mount = label_of(*size, s, "mountpoint");
      for (const auto& a : avail->samples) {
        if (label_of(*avail, a, "mountpoint") != mount) continue;
        double used = 1 - a.value / s.value;
        if (used < 0.90) continue;
        any = true;
        out.add("host.disk_full", std::string(mount), used >= 0.95 ? CheckStatus::fail : CheckStatus::warn,
                fmt::format("{:.0f}% used, {:.1f} GiB left", used * 100, a.value / (1 << 30)),
                "free space (container images, logs, checkpoints) before writes fail");
      }
    }
    if (!any) out.add("host.disk_full", "", CheckStatus::pass, "every filesystem under 90% used");
  }
  if (in.clock) {
    out.add("host.clock_sync", "", in.clock->synchronized ? CheckStatus::pass : CheckStatus::warn,
            in.clock->synchronized ? fmt::format("synchronized, maximum error {:.3f} s", in.clock->max_error_seconds)
                                   : "the kernel says the clock is not synchronized (adjtimex TIME_ERROR)",
            "run an NTP or PTP daemon (chrony, systemd-timesyncd); logs and metrics from this node carry wrong times");
  }
}

void agent_checks(const Snapshot& snapshot, const DiagnoseInputs& in, Checks& out) {
  std::span<const Family> families = snapshot.families;
  auto summary = find_value(families, "ainode_kubelet_summary_up");
  auto resources = find_value(families, "ainode_kubelet_pod_resources_up");
  if (summary || resources) {
    bool up = summary.value_or(1) != 0 && resources.value_or(1) != 0;
    out.add("kubelet", "", up ? CheckStatus::pass : CheckStatus::fail,
            fmt::format("stats/summary {}, pod-resources {}", summary ? (*summary != 0 ? "up" : "down") : "not used",
                        resources ? (*resources != 0 ? "up" : "down") : "not used"),
            "check the kubelet is running and the agent's RBAC (nodes/stats, nodes/proxy) and socket mount");
  }
  std::string failing;
  for (const auto& c : snapshot.collectors) {
    if (!c.success) failing += fmt::format("{}{}: {}", failing.empty() ? "" : "; ", c.name, c.last_error);
  }
  out.add("collectors", "", failing.empty() ? CheckStatus::pass : CheckStatus::warn,
          failing.empty() ? fmt::format("{} collectors succeeded", snapshot.collectors.size()) : "failing: " + failing,
          "see /v1/status for each collector's last error");
  if (!in.kernel_log_problem.empty()) {
    out.add("kernel_log", "", CheckStatus::warn, "XIDs from NVML only: " + in.kernel_log_problem,
            "mount /dev/kmsg and grant CAP_SYSLOG (docs/risk.md), so XIDs NVML misses (79, 119, 120) are seen");
  }
}

}  // namespace

std::string_view to_string(CheckStatus status) {
  constexpr std::array<std::string_view, 3> names{"pass", "warn", "fail"};
  return names[static_cast<std::size_t>(status)];
}

std::vector<DiagnoseCheck> run_diagnose_checks(const DiagnoseInputs& in) {
  Checks out;
  if (!in.snapshot) {
    out.add("collectors", "", CheckStatus::fail, "the agent has not completed its first collection yet",
            "wait one collection interval and run again");
    return out.take();
  }
  const auto& gpus = gpu_views(*in.snapshot);
  nvml_check(*in.snapshot, gpus, out);
  for (const auto& gpu : gpus) gpu_checks(gpu, in, out);
  host_checks(*in.snapshot, in, out);
  agent_checks(*in.snapshot, in, out);
  return out.take();
}

CheckStatus overall_status(const std::vector<DiagnoseCheck>& checks) {
  CheckStatus worst = CheckStatus::pass;
  for (const auto& c : checks) worst = std::max(worst, c.status);
  return worst;
}

int diagnose_exit_code(CheckStatus overall) { return static_cast<int>(overall); }

nlohmann::json diagnose_report_json(const std::vector<DiagnoseCheck>& checks, double duration_seconds) {
  auto list = nlohmann::json::array();
  for (const auto& c : checks) {
    list.push_back({{"name", c.name}, {"subject", c.subject}, {"status", to_string(c.status)}, {"evidence", c.evidence},
                    {"fix", c.fix}});
  }
  return {{"status", to_string(overall_status(checks))}, {"duration_seconds", duration_seconds}, {"checks", list}};
}

std::string diagnose_report_text(const nlohmann::json& report) {
  std::ostringstream out;
  std::map<std::string, int> counts;
  for (const auto& c : report.value("checks", nlohmann::json::array())) {
    std::string status = c.value("status", "");
    ++counts[status];
    std::string subject = c.value("subject", "");
    out << fmt::format("{:<4}  {:<22} {}{}\n", status == "pass" ? "ok" : status, c.value("name", ""),
                       subject.empty() ? "" : subject + ": ", c.value("evidence", ""));
    if (status != "pass" && !c.value("fix", "").empty()) out << fmt::format("      {:<22} fix: {}\n", "", c.value("fix", ""));
  }
  out << fmt::format("\n{}: {} pass, {} warn, {} fail ({:.2f} s)\n", report.value("status", "?"), counts["pass"],
                     counts["warn"], counts["fail"], report.value("duration_seconds", 0.0));
  return out.str();
}

}  // namespace ainode
