#include "app/diagnose_checks.hpp"

#include <gtest/gtest.h>

#include "collectors/gpu/gpu_metrics.hpp"

using namespace ainode;

namespace {

const MetricDesc kMemTotal{"ainode_memory_total_bytes", MetricType::gauge, "bytes", "x"};
const MetricDesc kMemAvailable{"ainode_memory_available_bytes", MetricType::gauge, "bytes", "x"};
const MetricDesc kFsSize{"ainode_filesystem_size_bytes", MetricType::gauge, "bytes", "x", {"device", "mountpoint", "fstype"}};
const MetricDesc kFsAvail{"ainode_filesystem_avail_bytes", MetricType::gauge, "bytes", "x", {"device", "mountpoint", "fstype"}};
const MetricDesc kPsi{"ainode_pressure_stall_ratio", MetricType::gauge, "ratio", "x", {"resource", "kind", "window"}};

GpuReading healthy_gpu() {
  GpuReading g;
  g.index = 0;
  g.uuid = "GPU-a";
  g.temperature_celsius = 60;
  g.temperature_thresholds_celsius = {{"slowdown", 87}};
  g.clock_event_reasons = 0;
  g.ecc_enabled = true;
  g.ecc_errors = {{{"uncorrected", "volatile"}, 0}, {{"uncorrected", "aggregate"}, 0}};
  g.remapped_rows_pending = false;
  g.remapped_rows_failure = false;
  g.pcie_width = 16;
  g.pcie_width_max = 16;
  g.nvlinks = {NvLinkReading{0, true, {}}, NvLinkReading{1, true, {}}};
  return g;
}

Snapshot snapshot_of(const GpuReading& gpu, double available_share = 0.5, double root_used = 0.4, double io_psi = 0.01) {
  std::vector<GpuReading> gpus{gpu};
  GpuEventLog::Counts events;
  std::map<NvmlErrorKey, std::uint64_t> errors;
  std::map<NvmlCallKey, std::uint64_t> slow;
  MetricSet set;
  add_gpu_metrics(GpuMetricInputs{gpus, events, errors, slow, "550.54.15", "12.4"}, set);
  set.add(kMemTotal, 100e9);
  set.add(kMemAvailable, 100e9 * available_share);
  set.add(kFsSize, {"/dev/sda1", "/", "ext4"}, 1e12);
  set.add(kFsAvail, {"/dev/sda1", "/", "ext4"}, 1e12 * (1 - root_used));
  set.add(kPsi, {"io", "some", "60s"}, io_psi);
  set.add(kPsi, {"io", "some", "10s"}, 0.9);  // only the minute counts
  Snapshot s;
  s.families = std::move(set.families());
  CollectorStatus collector;
  collector.name = "gpu";
  collector.success = true;
  collector.details = std::make_shared<const CollectorDetails>(nlohmann::json{
      {"nvml", {{"available", true}, {"driver_version", "550.54.15"}, {"cuda_version", "12.4"}, {"events", "watching 1 GPUs"}}}});
  s.collectors = {collector};
  return s;
}

std::vector<DiagnoseCheck> run(const Snapshot& s) {
  DiagnoseInputs in;
  in.snapshot = &s;
  in.clock = ClockSync{true, 0.01};
  return run_diagnose_checks(in);
}

const DiagnoseCheck* check(const std::vector<DiagnoseCheck>& checks, const std::string& name) {
  for (const auto& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

TEST(Diagnose, AHealthyNodePassesEveryCheck) {
  auto checks = run(snapshot_of(healthy_gpu()));
  for (const char* name : {"nvml", "gpu.ecc", "gpu.row_remap", "gpu.xid", "gpu.throttle", "gpu.pcie_width", "gpu.nvlink",
                           "gpu.temperature_margin", "host.memory", "host.psi", "host.disk_full", "host.clock_sync",
                           "collectors"}) {
    const DiagnoseCheck* c = check(checks, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->status, CheckStatus::pass) << name << ": " << c->evidence;
    EXPECT_TRUE(c->fix.empty());
  }
  EXPECT_EQ(overall_status(checks), CheckStatus::pass);
  EXPECT_EQ(diagnose_exit_code(overall_status(checks)), 0);
  EXPECT_NE(check(checks, "nvml")->evidence.find("driver 550.54.15"), std::string::npos);
}

TEST(Diagnose, EachGpuFaultFailsItsOwnCheck) {
  struct Case {
    const char* check;
    void (*fault)(GpuReading&);
  };
  for (auto c : {Case{"gpu.ecc", [](GpuReading& g) { g.ecc_errors[{"uncorrected", "volatile"}] = 2; }},
                 Case{"gpu.row_remap", [](GpuReading& g) { g.remapped_rows_pending = true; }},
                 Case{"gpu.row_remap", [](GpuReading& g) { g.remapped_rows_failure = true; }},
                 Case{"gpu.pcie_width", [](GpuReading& g) { g.pcie_width = 8; }},
                 Case{"gpu.nvlink", [](GpuReading& g) { g.nvlinks[1].up = false; }},
                 Case{"gpu.throttle", [](GpuReading& g) { g.clock_event_reasons = 0x8; }},
                 Case{"gpu.temperature_margin", [](GpuReading& g) { g.temperature_celsius = 84; }}}) {
    GpuReading g = healthy_gpu();
    c.fault(g);
    auto checks = run(snapshot_of(g));
    SCOPED_TRACE(c.check);
    const DiagnoseCheck* found = check(checks, c.check);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->status, CheckStatus::fail) << found->evidence;
    EXPECT_FALSE(found->fix.empty());
    EXPECT_EQ(found->subject, "GPU 0 (GPU-a)");
    EXPECT_EQ(diagnose_exit_code(overall_status(checks)), 2);
  }
}

TEST(Diagnose, WarningsAreExitOne) {
  GpuReading g = healthy_gpu();
  g.clock_event_reasons = 0x20;  // sw_thermal
  auto checks = run(snapshot_of(g));
  EXPECT_EQ(check(checks, "gpu.throttle")->status, CheckStatus::warn);
  EXPECT_EQ(diagnose_exit_code(overall_status(checks)), 1);
}

TEST(Diagnose, HostChecksReadMemoryDiskAndPressure) {
  auto checks = run(snapshot_of(healthy_gpu(), 0.03, 0.97, 0.5));
  EXPECT_EQ(check(checks, "host.memory")->status, CheckStatus::fail);
  EXPECT_EQ(check(checks, "host.disk_full")->status, CheckStatus::fail);
  EXPECT_EQ(check(checks, "host.disk_full")->subject, "/");
  EXPECT_EQ(check(checks, "host.psi")->status, CheckStatus::fail);
  EXPECT_NE(check(checks, "host.psi")->evidence.find("io 50%"), std::string::npos);
}

TEST(Diagnose, AnUnsynchronizedClockAndAFailingCollectorWarn) {
  Snapshot s = snapshot_of(healthy_gpu());
  CollectorStatus broken;
  broken.name = "disk";
  broken.last_error = "diskstats: unreadable";
  s.collectors.push_back(broken);
  DiagnoseInputs in;
  in.snapshot = &s;
  in.clock = ClockSync{false, 16};
  auto checks = run_diagnose_checks(in);
  EXPECT_EQ(check(checks, "host.clock_sync")->status, CheckStatus::warn);
  EXPECT_EQ(check(checks, "collectors")->status, CheckStatus::warn);
  EXPECT_NE(check(checks, "collectors")->evidence.find("disk: diskstats: unreadable"), std::string::npos);
}

TEST(Diagnose, NoNvmlIsAFailureAndNoSnapshotSaysSo) {
  Snapshot s = snapshot_of(healthy_gpu());
  s.families.clear();
  s.collectors[0].details = std::make_shared<const CollectorDetails>(
      nlohmann::json{{"nvml", {{"available", false}, {"reason", "libnvidia-ml.so.1: cannot open shared object file"}}}});
  auto checks = run(s);
  EXPECT_EQ(check(checks, "nvml")->status, CheckStatus::fail);
  EXPECT_NE(check(checks, "nvml")->evidence.find("cannot open"), std::string::npos);
  DiagnoseInputs none;
  auto first = run_diagnose_checks(none);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].status, CheckStatus::fail);
}

TEST(Diagnose, ReportJsonAndText) {
  GpuReading g = healthy_gpu();
  g.pcie_width = 8;
  auto checks = run(snapshot_of(g));
  auto json = diagnose_report_json(checks, 0.012);
  EXPECT_EQ(json["status"], "fail");
  EXPECT_DOUBLE_EQ(json["duration_seconds"].get<double>(), 0.012);
  bool found = false;
  for (const auto& c : json["checks"]) {
    for (const char* key : {"name", "subject", "status", "evidence", "fix"}) EXPECT_TRUE(c.contains(key));
    found = found || (c["name"] == "gpu.pcie_width" && c["status"] == "fail");
  }
  EXPECT_TRUE(found);
  std::string text = diagnose_report_text(json);
  EXPECT_NE(text.find("fail  gpu.pcie_width"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: reseat"), std::string::npos);
  EXPECT_NE(text.find("fail: "), std::string::npos);
}

TEST(Diagnose, PersistenceModeDisabledWarnsAndEnabledPasses) {
  GpuReading g = healthy_gpu();
  auto absent = run(snapshot_of(g));
  EXPECT_EQ(check(absent, "gpu.persistence_mode"), nullptr) << "not checked where NVML does not tell";
  g.persistence_mode = true;
  EXPECT_EQ(check(run(snapshot_of(g)), "gpu.persistence_mode")->status, CheckStatus::pass);
  g.persistence_mode = false;
  auto checks = run(snapshot_of(g));
  const DiagnoseCheck* c = check(checks, "gpu.persistence_mode");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, CheckStatus::warn);
  EXPECT_NE(c->fix.find("nvidia-persistenced"), std::string::npos);
  EXPECT_EQ(diagnose_exit_code(overall_status(checks)), 1);
}

TEST(Diagnose, RowRemapEvidenceShowsTheSpareRowHistogram) {
  GpuReading g = healthy_gpu();
  g.row_remap_bank_availability = {{"max", 639}, {"high", 1}, {"partial", 0}, {"low", 0}, {"none", 0}};
  const DiagnoseCheck* ok = check(run(snapshot_of(g)), "gpu.row_remap");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->status, CheckStatus::pass);
  EXPECT_NE(ok->evidence.find("banks by spare rows left: max 639, high 1, partial 0, low 0, none 0"), std::string::npos)
      << ok->evidence;
  g.row_remap_bank_availability["none"] = 1;
  g.row_remap_bank_availability["max"] = 638;
  auto checks = run(snapshot_of(g));
  EXPECT_EQ(check(checks, "gpu.row_remap")->status, CheckStatus::warn) << "a bank without spare rows: plan the RMA";
  EXPECT_NE(check(checks, "gpu.row_remap")->fix.find("RMA"), std::string::npos);
}
