// Degradation signals on recorded sequences of snapshots: rates come from
// deltas between snapshots, never from a single reading.
#include "health/degradation.hpp"

#include <gtest/gtest.h>

using namespace ainode;
using namespace std::chrono_literals;

namespace {
const MetricDesc kIoTime{"ainode_disk_io_time_seconds_total", MetricType::counter, "seconds", "x", {"device"}};
const MetricDesc kReads{"ainode_disk_reads_completed_total", MetricType::counter, "", "x", {"device"}};
const MetricDesc kWrites{"ainode_disk_writes_completed_total", MetricType::counter, "", "x", {"device"}};
const MetricDesc kReadTime{"ainode_disk_read_time_seconds_total", MetricType::counter, "seconds", "x", {"device"}};
const MetricDesc kWriteTime{"ainode_disk_write_time_seconds_total", MetricType::counter, "seconds", "x", {"device"}};
const MetricDesc kRxDrop{"ainode_network_receive_drop_total", MetricType::counter, "", "x", {"device"}};
const MetricDesc kRetrans{"ainode_tcp_retransmitted_segments_total", MetricType::counter, "", "x"};
const MetricDesc kOutSegs{"ainode_tcp_out_segments_total", MetricType::counter, "", "x"};
const MetricDesc kSwapIn{"ainode_memory_swapped_in_bytes_total", MetricType::counter, "bytes", "x"};
const MetricDesc kEcc{"ainode_gpu_ecc_errors_total", MetricType::counter, "", "x", {"gpu", "uuid", "type", "scope"}};
const MetricDesc kXid{"ainode_gpu_xid_errors_total", MetricType::counter, "", "x", {"gpu", "uuid", "xid"}};
const MetricDesc kThrottle{"ainode_gpu_throttle_reason", MetricType::gauge, "", "x", {"gpu", "uuid", "reason"}};
const MetricDesc kNarrow{"ainode_pcie_link_width_degraded", MetricType::gauge, "", "x", {"address", "kind"}};

struct Host {
  double io_time = 0, reads = 0, writes = 0, read_time = 0, write_time = 0, drops = 0, retrans = 0, sent = 0, swap = 0;
  double ecc_uncorrected = 0, xids = 0;
  bool thermal = false, narrow = false;

  MetricSet families() const {
    MetricSet set;
    set.add(kIoTime, {"nvme0n1"}, io_time);
    set.add(kReads, {"nvme0n1"}, reads);
    set.add(kWrites, {"nvme0n1"}, writes);
    set.add(kReadTime, {"nvme0n1"}, read_time);
    set.add(kWriteTime, {"nvme0n1"}, write_time);
    set.add(kRxDrop, {"eth0"}, drops);
    set.add(kRetrans, retrans);
    set.add(kOutSegs, sent);
    set.add(kSwapIn, swap);
    set.add(kEcc, {"0", "GPU-a", "uncorrected", "volatile"}, ecc_uncorrected);
    set.add(kEcc, {"0", "GPU-a", "corrected", "volatile"}, 1000);  // corrected errors are not this signal
    set.add(kXid, {"0", "GPU-a", "79"}, xids);
    set.add(kThrottle, {"0", "GPU-a", "idle"}, 1);  // idle is not degradation
    set.add(kThrottle, {"0", "GPU-a", "hw_thermal"}, thermal ? 1 : 0);
    set.add(kNarrow, {"0000:ab:00.0", "gpu"}, narrow ? 1 : 0);
    return set;
  }
};

const DegradationSignal* find(const DegradationReport& r, std::string_view name) {
  for (const auto& s : r.signals) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::chrono::steady_clock::time_point at(int seconds) { return std::chrono::steady_clock::time_point{} + std::chrono::seconds(seconds); }
}  // namespace

TEST(Degradation, FirstSnapshotHasOnlyCurrentStateSignals) {
  DegradationDetector detector;
  Host host;
  host.io_time = 1e6;  // huge totals mean nothing without a delta
  host.drops = 1e9;
  auto report = detector.evaluate(host.families().families(), at(0));
  EXPECT_FALSE(find(report, "disk_busy"));
  EXPECT_FALSE(find(report, "network_drops"));
  ASSERT_TRUE(find(report, "gpu_throttling"));
  EXPECT_FALSE(find(report, "gpu_throttling")->active);
  EXPECT_EQ(report.score, 0.0);
}

TEST(Degradation, QuietIntervalScoresZero) {
  DegradationDetector detector;
  Host host{100, 1000, 1000, 1, 1, 5, 10, 10000, 0};
  detector.evaluate(host.families().families(), at(0));
  host.io_time += 1;  // 10% busy over 10 s
  host.reads += 100, host.writes += 100, host.read_time += 0.1, host.write_time += 0.1;  // 1 ms per I/O
  host.drops += 10, host.retrans += 1, host.sent += 1000;
  auto report = detector.evaluate(host.families().families(), at(10));
  EXPECT_DOUBLE_EQ(find(report, "disk_busy")->value, 0.1);
  EXPECT_DOUBLE_EQ(find(report, "disk_latency")->value, 0.001);
  EXPECT_DOUBLE_EQ(find(report, "network_drops")->value, 1.0);
  EXPECT_DOUBLE_EQ(find(report, "tcp_retransmissions")->value, 0.001);
  for (const auto& s : report.signals) EXPECT_FALSE(s.active) << s.name;
  EXPECT_EQ(report.score, 0.0);
}

TEST(Degradation, EachSignalFiresOnItsThreshold) {
  DegradationDetector detector;
  Host host{100, 1000, 1000, 1, 1, 5, 10, 10000, 0};
  detector.evaluate(host.families().families(), at(0));
  host.io_time += 9.5;                                      // 95% busy
  host.reads += 10, host.read_time += 1.0;                  // 100 ms per I/O
  host.drops += 2000;                                       // 200 drops/s
  host.retrans += 50, host.sent += 1000;                    // 5% retransmitted
  host.swap += 200 * 1024 * 1024;                           // 20 MiB/s
  host.ecc_uncorrected += 1, host.xids += 1;
  host.thermal = true, host.narrow = true;
  auto report = detector.evaluate(host.families().families(), at(10));
  for (const char* name : {"disk_busy", "disk_latency", "network_drops", "tcp_retransmissions", "swapping",
                           "gpu_ecc_errors", "gpu_xid_errors", "gpu_throttling", "pcie_trained_down"}) {
    ASSERT_TRUE(find(report, name)) << name;
    EXPECT_TRUE(find(report, name)->active) << name;
  }
  EXPECT_EQ(report.score, 1.0);
}

TEST(Degradation, ScoreIsWeightedOverSignalsPresent) {
  DegradationDetector detector;
  Host host{100, 1000, 1000, 1, 1, 5, 10, 10000, 0};
  detector.evaluate(host.families().families(), at(0));
  host.xids += 2;
  auto report = detector.evaluate(host.families().families(), at(10));
  EXPECT_DOUBLE_EQ(find(report, "gpu_xid_errors")->value, 2.0);
  // No TCP segments were sent, so tcp_retransmissions has no input and is
  // left out: weight 3 of 1+1+1+1+3+3+2+2 = 14.
  EXPECT_FALSE(find(report, "tcp_retransmissions"));
  EXPECT_NEAR(*report.score, 3.0 / 14.0, 1e-12);
}

TEST(Degradation, CounterResetIsNotAnEvent) {
  DegradationDetector detector;
  Host host{100, 1000, 1000, 1, 1, 5, 10, 10000, 0};
  host.xids = 5;
  detector.evaluate(host.families().families(), at(0));
  host.xids = 0;  // driver reloaded: the counter starts again
  auto report = detector.evaluate(host.families().families(), at(10));
  EXPECT_FALSE(find(report, "gpu_xid_errors")) << "no usable delta this cycle";
}

TEST(Degradation, AmdUncorrectedRasErrorsAreGpuEccErrors) {
  static const MetricDesc kRas{"ainode_gpu_ras_errors_total", MetricType::counter, "", "x", {"gpu", "block", "type"}};
  auto families = [](double uncorrected, double corrected) {
    MetricSet set;
    set.add(kRas, {"3", "umc", "uncorrected"}, uncorrected);
    set.add(kRas, {"3", "umc", "corrected"}, corrected);
    return set;
  };
  DegradationDetector detector;
  detector.evaluate(families(0, 0).families(), at(0));
  auto corrected_only = detector.evaluate(families(0, 50).families(), at(10));
  ASSERT_TRUE(find(corrected_only, "gpu_ecc_errors"));
  EXPECT_FALSE(find(corrected_only, "gpu_ecc_errors")->active) << "corrected errors are not this signal";
  auto report = detector.evaluate(families(1, 50).families(), at(20));
  EXPECT_TRUE(find(report, "gpu_ecc_errors")->active);
  EXPECT_EQ(find(report, "gpu_ecc_errors")->value, 1.0);
}
