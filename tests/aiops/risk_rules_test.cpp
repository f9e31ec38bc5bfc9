#include "aiops/risk_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace ainode;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(500000));

GpuView healthy_gpu() {
  GpuView g;
  g.reading.index = 2;
  g.reading.uuid = "GPU-c";
  g.reading.temperature_celsius = 65;
  g.reading.temperature_thresholds_celsius = {{"slowdown", 87}, {"gpu_max", 85}, {"shutdown", 92}};
  g.reading.clock_event_reasons = 0;
  g.reading.ecc_errors = {{{"corrected", "aggregate"}, 12}, {{"uncorrected", "aggregate"}, 0}};
  g.reading.remapped_rows_pending = false;
  g.reading.remapped_rows_failure = false;
  g.reading.pcie_width = 16;
  g.reading.pcie_width_max = 16;
  g.reading.pcie_replays = 0;
  g.reading.nvlinks = {NvLinkReading{0, true, {{"replay", 0}, {"crc_flit", 0}}}, NvLinkReading{1, true, {{"replay", 0}}}};
  return g;
}

// Observes `gpu` every 5 s for `seconds`, letting `change` edit it first.
template <typename Change>
RiskAssessment run(GpuRiskHistory& history, GpuView gpu, int seconds, Change change) {
  RiskAssessment last;
  for (int t = 0; t <= seconds; t += 5) {
    change(gpu, t);
    update_history(history, gpu, t0 + std::chrono::seconds(t));
    last = assess_risk(gpu, history, t0 + std::chrono::seconds(t));
  }
  return last;
}
RiskAssessment run(GpuRiskHistory& history, const GpuView& gpu, int seconds) {
  return run(history, gpu, seconds, [](GpuView&, int) {});
}

bool has(const RiskAssessment& a, const std::string& reason) {
  return std::any_of(a.reasons.begin(), a.reasons.end(), [&](const RiskReason& r) { return r.reason == reason; });
}

}  // namespace

TEST(RiskRules, AHealthyGpuHasNoRiskAndNoReason) {
  GpuRiskHistory history;
  auto a = run(history, healthy_gpu(), 600);
  EXPECT_EQ(a.value, 0);
  EXPECT_EQ(a.action, RiskAction::none);
  EXPECT_TRUE(a.reasons.empty());
}

TEST(RiskRules, RowRemapFailureIsTheRmaCriterion) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.remapped_rows_failure = true;
  auto a = run(history, g, 0);
  EXPECT_EQ(a.action, RiskAction::rma);
  EXPECT_DOUBLE_EQ(a.value, 1.0);
  EXPECT_EQ(a.reasons.front().reason, "row_remap_failure");
}

TEST(RiskRules, APendingRemapWantsAReset) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.remapped_rows_pending = true;
  auto a = run(history, g, 0);
  EXPECT_EQ(a.action, RiskAction::reset);
  EXPECT_TRUE(has(a, "row_remap_pending"));
}

TEST(RiskRules, NewUncorrectedErrorsDrainRisingOnesWeighMore) {
  GpuRiskHistory history;
  auto once = run(history, healthy_gpu(), 300, [](GpuView& g, int t) {
    g.reading.ecc_errors[{"uncorrected", "aggregate"}] = t >= 100 ? 1 : 0;
  });
  EXPECT_EQ(once.action, RiskAction::drain);
  EXPECT_TRUE(has(once, "uncorrected_ecc_new"));
  GpuRiskHistory rising_history;
  auto rising = run(rising_history, healthy_gpu(), 300, [](GpuView& g, int t) {
    g.reading.ecc_errors[{"uncorrected", "aggregate"}] = t / 100;
  });
  EXPECT_GT(rising.value, once.value);
}

TEST(RiskRules, OldUncorrectedErrorsAreOnlyWatched) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.ecc_errors[{"uncorrected", "aggregate"}] = 3;
  auto a = run(history, g, 300);
  EXPECT_EQ(a.action, RiskAction::watch);
  EXPECT_TRUE(has(a, "uncorrected_ecc_lifetime"));
}

// A healthy GPU's day costs no per-minute zeros: the hot and slowdown
// windows keep only minutes that had any, and a count that never moves
// keeps its first and last reading. Every reading of them is unchanged: an
// error after a quiet day is new, one a day and more old is not.
TEST(RiskRules, AQuietDayKeepsAlmostNothingAndReadsTheSame) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.ecc_errors[{"uncorrected", "aggregate"}] = 2;
  const int day = 24 * 3600;
  for (int t = 0; t <= day + 7200; t += 30) update_history(history, g, t0 + std::chrono::seconds(t));
  EXPECT_TRUE(history.hot_seconds.empty());
  EXPECT_TRUE(history.slowdown_seconds.empty());
  EXPECT_LE(history.uncorrected_ecc.size(), 2u);
  EXPECT_GE(history.corrected_ecc.size(), 280u) << "its rate reads the points' times: one each 5 minutes";
  EXPECT_LE(history.corrected_ecc.size(), 300u);
  auto quiet = assess_risk(g, history, t0 + std::chrono::seconds(day + 7200));
  EXPECT_TRUE(has(quiet, "uncorrected_ecc_lifetime"));
  EXPECT_FALSE(has(quiet, "uncorrected_ecc_new"));

  int t = day + 7200;
  g.reading.ecc_errors[{"uncorrected", "aggregate"}] = 3;
  for (int end = t + 600; t <= end; t += 30) update_history(history, g, t0 + std::chrono::seconds(t));
  auto fresh = assess_risk(g, history, t0 + std::chrono::seconds(t));
  ASSERT_TRUE(has(fresh, "uncorrected_ecc_new"));
  EXPECT_EQ(fresh.action, RiskAction::drain);
  for (const auto& r : fresh.reasons) {
    if (r.reason == "uncorrected_ecc_new") {
      EXPECT_NE(r.detail.find("1 new uncorrected ECC errors"), std::string::npos) << r.detail;
    }
  }
  // The corrected rate still reads over the day: 200 an hour is seen.
  GpuRiskHistory rising;
  GpuView r = healthy_gpu();
  int u = 0;
  for (; u <= day + 3600; u += 30) {
    r.reading.ecc_errors[{"corrected", "aggregate"}] = 12 + u / 18;  // 200 an hour
    update_history(rising, r, t0 + std::chrono::seconds(u));
  }
  auto rate = assess_risk(r, rising, t0 + std::chrono::seconds(u - 30));
  EXPECT_TRUE(has(rate, "corrected_ecc_rate"));
  for (const auto& reason : rate.reasons) {
    if (reason.reason == "corrected_ecc_rate") {
      EXPECT_NE(reason.detail.find("200 corrected"), std::string::npos) << reason.detail;
    }
  }
  // A minute at the limit is kept, and counted.
  g.reading.temperature_celsius = 86;
  for (int end = t + 120; t <= end; t += 5) update_history(history, g, t0 + std::chrono::seconds(t));
  EXPECT_FALSE(history.hot_seconds.empty());
}

TEST(RiskRules, CorrectedErrorRateAboveAHundredAnHour) {
  GpuRiskHistory slow, fast;
  auto few = run(slow, healthy_gpu(), 600, [](GpuView& g, int t) { g.reading.ecc_errors[{"corrected", "aggregate"}] = 12 + t / 300; });
  EXPECT_FALSE(has(few, "corrected_ecc_rate"));
  auto many = run(fast, healthy_gpu(), 600, [](GpuView& g, int t) { g.reading.ecc_errors[{"corrected", "aggregate"}] = 12 + t; });
  EXPECT_TRUE(has(many, "corrected_ecc_rate"));  // 3600 an hour
  EXPECT_EQ(many.action, RiskAction::watch);
}

TEST(RiskRules, XidsActByNvidiasCatalogue) {
  struct Case {
    unsigned code;
    const char* reason;
    RiskAction action;
  };
  for (auto c : {Case{79, "xid_reboot_node", RiskAction::reset}, Case{95, "xid_reset_gpu", RiskAction::reset},
                 Case{64, "xid_reset_gpu", RiskAction::reset}, Case{94, "xid_restart_application", RiskAction::watch},
                 Case{48, "xid_nvidia_workflow", RiskAction::drain}, Case{74, "xid_nvidia_workflow", RiskAction::drain},
                 Case{63, "xid_informational", RiskAction::none}, Case{92, "xid_informational", RiskAction::none},
                 Case{13, "xid_application", RiskAction::none}}) {
    GpuRiskHistory history;
    record_xid(history, XidSighting{t0, c.code, "kmsg"});
    auto a = run(history, healthy_gpu(), 0);
    SCOPED_TRACE(c.code);
    EXPECT_TRUE(has(a, c.reason));
    EXPECT_EQ(a.action, c.action);
  }
}

TEST(RiskRules, RepeatedXidsAddEvidenceAndOldOnesAreForgotten) {
  GpuRiskHistory once, thrice;
  record_xid(once, XidSighting{t0, 94, "nvml"});
  for (int i = 0; i < 3; ++i) record_xid(thrice, XidSighting{t0 + std::chrono::seconds(10 * i), 94, "nvml"});
  EXPECT_GT(assess_risk(healthy_gpu(), thrice, t0 + 60s).value, assess_risk(healthy_gpu(), once, t0 + 60s).value);
  EXPECT_TRUE(assess_risk(healthy_gpu(), once, t0 + 73h).reasons.empty());
}

TEST(RiskRules, TheSameXidReplayedFromTheKernelLogIsOne) {
  GpuRiskHistory history;
  record_xid(history, XidSighting{t0, 79, "kmsg"});
  record_xid(history, XidSighting{t0 + 1s, 79, "kmsg"});
  EXPECT_EQ(history.xids.size(), 1u);
  record_xid(history, XidSighting{t0 + 3s, 79, "kmsg"});
  EXPECT_EQ(history.xids.size(), 2u);
}

TEST(RiskRules, ALostGpuWantsAReset) {
  GpuRiskHistory history;
  GpuView g;
  g.reading.index = 0;
  g.reading.uuid = "GPU-a";
  g.reading.up = false;
  auto a = run(history, g, 0);
  EXPECT_EQ(a.action, RiskAction::reset);
  EXPECT_TRUE(has(a, "gpu_lost"));
}

TEST(RiskRules, TimeAtTheThermalLimitIsStress) {
  GpuRiskHistory brief, long_history;
  auto short_spell = run(brief, healthy_gpu(), 600, [](GpuView& g, int t) { g.reading.temperature_celsius = t < 20 ? 86 : 65; });
  EXPECT_FALSE(has(short_spell, "thermal_stress"));
  EXPECT_TRUE(has(short_spell, "thermal_limit_touched"));  // seen, ranked, not acted on
  EXPECT_EQ(short_spell.action, RiskAction::none);
  EXPECT_GT(short_spell.value, 0);
  auto hot = run(long_history, healthy_gpu(), 600, [](GpuView& g, int t) {
    g.reading.temperature_celsius = t > 100 ? 86 : 65;  // at gpu_max (85), under slowdown (87)
  });
  EXPECT_TRUE(has(hot, "thermal_stress"));
  EXPECT_EQ(hot.action, RiskAction::watch);
}

TEST(RiskRules, PcieReplaysAboveDcgmsLimitAndATrainedDownLink) {
  GpuRiskHistory replays;
  auto a = run(replays, healthy_gpu(), 300, [](GpuView& g, int t) { g.reading.pcie_replays = t; });  // 60/min
  EXPECT_TRUE(has(a, "pcie_replays"));
  GpuRiskHistory narrow;
  GpuView g = healthy_gpu();
  g.reading.pcie_width = 8;
  auto b = run(narrow, g, 0);
  EXPECT_TRUE(has(b, "pcie_link_degraded"));
  EXPECT_EQ(b.action, RiskAction::drain);
}

TEST(RiskRules, NvlinkErrorRateAndALinkThatWentDown) {
  GpuRiskHistory rare;
  // One replay in ten minutes is a healthy link.
  auto quiet = run(rare, healthy_gpu(), 1200, [](GpuView& g, int t) { g.reading.nvlinks[0].errors["replay"] = t / 600; });
  EXPECT_FALSE(has(quiet, "nvlink_errors"));
  GpuRiskHistory busy;
  auto errors = run(busy, healthy_gpu(), 300, [](GpuView& g, int t) { g.reading.nvlinks[0].errors["replay"] = 10 * t; });
  EXPECT_TRUE(has(errors, "nvlink_errors"));
  GpuRiskHistory link;
  auto down = run(link, healthy_gpu(), 60, [](GpuView& g, int t) { g.reading.nvlinks[1].up = t < 30; });
  EXPECT_TRUE(has(down, "nvlink_down"));
  EXPECT_EQ(down.action, RiskAction::drain);
}

TEST(RiskRules, MoreEvidenceNeverLowersTheRisk) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.pcie_width = 8;
  double narrow = run(history, g, 0).value;
  g.reading.remapped_rows_pending = true;
  double both = assess_risk(g, history, t0).value;
  EXPECT_GT(both, narrow);
  EXPECT_LE(both, 1.0);
}

TEST(RiskRules, BanksOutOfSpareRowsPointTowardAnRma) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.remapped_rows_uncorrectable = 3;
  g.reading.row_remap_bank_availability = {{"max", 639}, {"high", 0}, {"partial", 1}, {"low", 0}, {"none", 0}};
  auto plenty = run(history, g, 0);
  EXPECT_TRUE(plenty.reasons.empty()) << "spare rows left in every bank: the histogram replaces the row count";
  g.reading.row_remap_bank_availability["partial"] = 0;
  g.reading.row_remap_bank_availability["low"] = 1;
  auto low = run(history, g, 0);
  EXPECT_TRUE(has(low, "row_remap_banks_low"));
  EXPECT_EQ(low.action, RiskAction::watch);
  EXPECT_NE(low.reasons.front().detail.find("RMA"), std::string::npos);
  g.reading.row_remap_bank_availability["low"] = 0;
  g.reading.row_remap_bank_availability["none"] = 1;
  auto none = run(history, g, 0);
  EXPECT_TRUE(has(none, "row_remap_banks_exhausted"));
  EXPECT_EQ(none.action, RiskAction::drain);
  EXPECT_GT(none.value, low.value);
}

TEST(RiskRules, WithoutTheHistogramRowsSpentStandIn) {
  GpuRiskHistory history;
  GpuView g = healthy_gpu();
  g.reading.remapped_rows_uncorrectable = 3;
  auto a = run(history, g, 0);
  EXPECT_TRUE(has(a, "remapped_rows_uncorrectable"));
}
