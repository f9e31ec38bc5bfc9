#include "aiops/risk_rules.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "gpu/xid_catalogue.hpp"

namespace ainode {

namespace {

using Clock = GpuRiskHistory::Clock;
using std::chrono::minutes;

class Reasons {
 public:
  void add(const char* reason, std::string detail, double weight, RiskAction action) {
    out_.push_back(RiskReason{reason, std::move(detail), std::clamp(weight, 0.0, 1.0), action});
  }
  std::vector<RiskReason> take() { return std::move(out_); }

 private:
  std::vector<RiskReason> out_;
};

// Increase per minute of a counter from the oldest point of the window
// within `span` to its current value; none until a minute is covered.
std::optional<double> per_minute(const TimeWindow<double>& window, std::optional<double> current, Clock::time_point now,
                                 Clock::duration span) {
  if (!current) return std::nullopt;
  const TimeWindow<double>::Point* oldest = nullptr;
  window.for_each_since(now, span, [&](const auto& p) {
    if (!oldest) oldest = &p;
  });
  if (!oldest || now - oldest->time < minutes(1) || *current < oldest->value) return std::nullopt;
  return (*current - oldest->value) / std::chrono::duration<double>(now - oldest->time).count() * 60;
}

// Sum of a per-minute window over the last day plus the minute in progress.
double day_total(const TimeWindow<double>& window, double in_progress, Clock::time_point now) {
  double total = in_progress;
  window.for_each_since(now, GpuRiskHistory::kDay, [&](const auto& p) { total += p.value; });
  return total;
}

void memory_rules(const GpuView& gpu, const GpuRiskHistory& history, Clock::time_point now, Reasons& out) {
  const GpuReading& r = gpu.reading;
  // NVIDIA, "RMA policy thresholds for row remapping": a set failure flag is the RMA criterion.
  if (r.remapped_rows_failure.value_or(false)) {
    out.add("row_remap_failure", "row remapping failed: the bank has no spare rows left (NVIDIA's RMA criterion)", 1.0,
            RiskAction::rma);
  }
  // NVIDIA, "Row remapping": a pending remap takes effect at the next GPU reset.
  if (r.remapped_rows_pending.value_or(false)) {
    out.add("row_remap_pending", "a row remap is pending: it takes effect at the next GPU reset", 0.5, RiskAction::reset);
  }
  // NVIDIA, "Row remapping": each bank has a few spare rows; when a bank has
  // none left, its next uncorrectable error cannot be remapped, the failure
  // flag is set and the GPU meets the RMA criterion. The histogram of spare
  // rows per bank says how close each bank is; without it (older drivers)
  // the count of rows spent stands in.
  const auto& banks = r.row_remap_bank_availability;
  if (!banks.empty()) {
    auto at = [&](const char* level) {
      auto found = banks.find(level);
      return found == banks.end() ? 0.0 : found->second;
    };
    if (double none = at("none"); none > 0) {
      out.add("row_remap_banks_exhausted",
              fmt::format("{} memory banks have no spare row left: their next uncorrectable error fails the remap "
                          "(NVIDIA's RMA criterion); plan the RMA",
                          none),
              0.6, RiskAction::drain);
    }
    if (double low = at("low"); low > 0) {
      out.add("row_remap_banks_low",
              fmt::format("{} memory banks are low on spare rows: plan an RMA before they run out", low), 0.25,
              RiskAction::watch);
    }
  } else if (double rows = r.remapped_rows_uncorrectable.value_or(0); rows > 0) {
    out.add("remapped_rows_uncorrectable", fmt::format("{} rows remapped for uncorrectable errors", rows),
            std::min(0.4, 0.1 + 0.02 * rows), RiskAction::watch);
  }
  double retired = 0;
  for (const auto& [cause, pages] : r.retired_pages) retired += pages;
  // DCGM's built-in limits: 63 retired pages is the hard limit, 15 the soft one.
  if (retired >= 63) {
    out.add("retired_pages", fmt::format("{} retired pages: at DCGM's limit of 63", retired), 0.9, RiskAction::rma);
  } else if (retired > 0) {
    out.add("retired_pages", fmt::format("{} retired pages (DCGM warns above 15, fails at 63)", retired),
            retired > 15 ? 0.3 : 0.1, RiskAction::watch);
  }
  if (r.retired_pages_pending.value_or(false)) {
    out.add("retired_pages_pending", "a page retirement is pending: it takes effect at the next GPU reset", 0.4,
            RiskAction::reset);
  }
  // Uncorrected (double-bit) errors: new ones in the last day want NVIDIA's
  // XID 48 workflow (drain, then reset to apply the remap); rising is worse.
  auto uncorrected = ecc_count(gpu, "uncorrected");
  if (uncorrected && *uncorrected > 0) {
    double oldest = uncorrected.value();
    int increases = 0;
    std::optional<double> previous;
    history.uncorrected_ecc.for_each_since(now, GpuRiskHistory::kDay, [&](const auto& p) {
      if (!previous) oldest = p.value;
      if (previous && p.value > *previous) ++increases;
      previous = p.value;
    });
    if (previous && *uncorrected > *previous) ++increases;
    double fresh = *uncorrected - oldest;
    if (fresh > 0 || increases > 0) {
      out.add("uncorrected_ecc_new",
              fmt::format("{} new uncorrected ECC errors in the last day ({} increases; {} in all)", fresh, increases,
                          *uncorrected),
              increases >= 2 ? 0.8 : 0.6, RiskAction::drain);
    } else {
      out.add("uncorrected_ecc_lifetime", fmt::format("{} uncorrected ECC errors in the GPU's life", *uncorrected), 0.15,
              RiskAction::watch);
    }
  }
  // Corrected errors are repaired, but a high rate precedes uncorrected ones
  // (NVIDIA's XID 92 is "high single-bit ECC error rate").
  if (auto rate = per_minute(history.corrected_ecc, ecc_count(gpu, "corrected"), now, GpuRiskHistory::kDay)) {
    double per_hour = *rate * 60;
    if (per_hour >= 100) {
      out.add("corrected_ecc_rate", fmt::format("{:.0f} corrected ECC errors per hour", per_hour),
              per_hour >= 1000 ? 0.35 : 0.2, RiskAction::watch);
    }
  }
}

struct XidBucket {
  const char* reason;
  double weight;  // of one occurrence
  RiskAction action;
};

// NVIDIA's immediate resolution bucket of the XID, as risk weighs it.
XidBucket xid_bucket(XidAction action) {
  switch (action) {
    case XidAction::none: return {"xid_informational", 0.05, RiskAction::none};  // 63, 92: informational alone
    case XidAction::check_application: return {"xid_application", 0.02, RiskAction::none};
    case XidAction::restart_application: return {"xid_restart_application", 0.2, RiskAction::watch};  // 94
    case XidAction::reset_gpu: return {"xid_reset_gpu", 0.5, RiskAction::reset};                      // 64, 95, 119
    case XidAction::reboot_node: return {"xid_reboot_node", 0.7, RiskAction::reset};                  // 79
    case XidAction::nvidia_workflow: return {"xid_nvidia_workflow", 0.5, RiskAction::drain};          // 48, 74
    case XidAction::contact_support: return {"xid_contact_support", 0.4, RiskAction::drain};
  }
  return {"xid_contact_support", 0.4, RiskAction::drain};
}

void xid_rules(const GpuRiskHistory& history, Clock::time_point now, Reasons& out) {
  struct Tally {
    XidBucket bucket;
    std::map<unsigned, int> codes;
    int count = 0;
  };
  std::map<std::string, Tally> by_reason;
  for (const auto& x : history.xids) {
    if (x.at < now - GpuRiskHistory::kXidMemory) continue;
    XidBucket bucket = xid_bucket(xid_info(x.code).action);
    auto& tally = by_reason.try_emplace(bucket.reason, Tally{bucket, {}, 0}).first->second;
    ++tally.codes[x.code];
    ++tally.count;
  }
  for (const auto& [reason, tally] : by_reason) {
    std::string detail;
    for (const auto& [code, count] : tally.codes) {
      detail += fmt::format("{}XID {} ({}) x{}", detail.empty() ? "" : ", ", code, xid_info(code).meaning, count);
    }
    detail += " in the last 72 h";
    // Repeats add evidence: three of the same bucket weigh like independent findings.
    double weight = 1 - std::pow(1 - tally.bucket.weight, std::min(tally.count, 3));
    out.add(tally.bucket.reason, detail, weight, tally.bucket.action);
  }
}

void thermal_rules(const GpuRiskHistory& history, Clock::time_point now, Reasons& out) {
  double hot = day_total(history.hot_seconds, history.minute_hot, now);
  auto cycles = static_cast<double>(history.hot_episodes.size());
  // DCGM's thermal health watch flags time at the thermal limit; sustained
  // heat and repeated heat cycles both age the package and the HBM.
  double weight = std::min(0.5, 0.4 * hot / (hot + 600) + 0.02 * cycles);
  if (hot >= 30) {
    out.add("thermal_stress", fmt::format("{:.0f} s at the thermal limit in the last day, {} hot spells", hot, cycles),
            weight, RiskAction::watch);
  } else if (hot > 0) {
    // Under the 30 s a watch needs: a spike is no reason to act, but it is
    // evidence, so the GPU ranks above one that never reached its limit.
    out.add("thermal_limit_touched",
            fmt::format("{:.0f} s at the thermal limit in the last day (a watch needs 30 s), {} hot spells", hot, cycles),
            weight, RiskAction::none);
  }
  double slowed = day_total(history.slowdown_seconds, history.minute_slowdown, now);
  if (slowed >= 30) {
    out.add("hw_slowdown",
            fmt::format("{:.0f} s of hardware slowdown or power brake in the last day (an external or sensor "
                        "signal: check the PSU and the board)",
                        slowed),
            std::min(0.4, 0.3 * slowed / (slowed + 300)), RiskAction::watch);
  }
}

void link_rules(const GpuView& gpu, const GpuRiskHistory& history, Clock::time_point now, Reasons& out) {
  const GpuReading& r = gpu.reading;
  // DCGM's built-in limit: 8 PCIe replays per minute.
  if (auto rate = per_minute(history.pcie_replays, r.pcie_replays, now, std::chrono::hours(1)); rate && *rate >= 8) {
    out.add("pcie_replays", fmt::format("{:.0f} PCIe replays per minute (DCGM's limit is 8)", *rate), 0.3,
            RiskAction::watch);
  }
  if (r.pcie_width && r.pcie_width_max && *r.pcie_width < *r.pcie_width_max) {
    out.add("pcie_link_degraded",
            fmt::format("PCIe link trained down to x{} of x{}: reseat the GPU or check the riser", *r.pcie_width,
                        *r.pcie_width_max),
            0.35, RiskAction::drain);
  }
  // A healthy link replays a few times an hour; DCGM's CRC limit is 100/s.
  if (auto rate = per_minute(history.nvlink_errors, nvlink_error_count(gpu), now, std::chrono::hours(1));
      rate && *rate >= 1) {
    bool severe = *rate >= 6000;
    out.add("nvlink_errors", fmt::format("{:.0f} NVLink errors per minute (replay, recovery, CRC)", *rate),
            severe ? 0.5 : 0.25, severe ? RiskAction::drain : RiskAction::watch);
  }
  std::string down;
  for (const auto& link : r.nvlinks) {
    if (!link.up && history.nvlinks_seen_up.count(link.link)) down += (down.empty() ? "" : ", ") + std::to_string(link.link);
  }
  if (!down.empty()) {
    out.add("nvlink_down", "NVLink links down that were up before: " + down, 0.4, RiskAction::drain);
  }
}

}  // namespace

RiskAssessment assess_risk(const GpuView& gpu, const GpuRiskHistory& history, Clock::time_point now) {
  Reasons reasons;
  // The driver lost the GPU (NVML_ERROR_GPU_IS_LOST): NVIDIA's XID 79
  // guidance, a node reboot, then a support case if it repeats.
  if (!gpu.reading.up) {
    reasons.add("gpu_lost", "the GPU does not answer the driver (fallen off the bus)", 0.8, RiskAction::reset);
  }
  memory_rules(gpu, history, now, reasons);
  xid_rules(history, now, reasons);
  thermal_rules(history, now, reasons);
  link_rules(gpu, history, now, reasons);

  RiskAssessment out;
  out.reasons = reasons.take();
  std::stable_sort(out.reasons.begin(), out.reasons.end(),
                   [](const RiskReason& a, const RiskReason& b) { return a.weight > b.weight; });
  double healthy = 1;
  for (const auto& reason : out.reasons) {
    healthy *= 1 - reason.weight;
    out.action = std::max(out.action, reason.action);
  }
  out.value = 1 - healthy;
  return out;
}

}  // namespace ainode
