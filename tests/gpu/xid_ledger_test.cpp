#include "gpu/xid_ledger.hpp"

#include <gtest/gtest.h>

using namespace ainode;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(500000));

EventDraft nvml_xid(const std::string& uuid, unsigned code, double count) {
  EventDraft event;
  event.type = "gpu_xid";
  event.subject.uuid = uuid;
  event.payload = {{"xid", code}, {"count", count}, {"source", "nvml"}};
  return event;
}
}  // namespace

TEST(XidLedger, TheSecondSourceOfTheSameXidIsADuplicate) {
  XidLedger ledger(30s);
  EXPECT_TRUE(ledger.first_sighting("GPU-a", 79, t0, "kmsg"));
  EXPECT_FALSE(ledger.first_sighting("GPU-a", 79, t0 + 5s, "nvml"));
  // Matched once: the next NVML sighting is a new XID.
  EXPECT_TRUE(ledger.first_sighting("GPU-a", 79, t0 + 6s, "nvml"));
}

TEST(XidLedger, RepeatsFromOneSourceAreEachCounted) {
  XidLedger ledger(30s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(ledger.first_sighting("GPU-a", 13, t0 + i * 1s, "kmsg"));
  MetricSet set;
  ledger.add_metrics(set);
  EXPECT_EQ(set.find("ainode_gpu_xids_first_seen_total")->samples[1].value, 3);  // kmsg
}

TEST(XidLedger, OtherGpuOtherCodeOrOutsideTheWindowIsNew) {
  XidLedger ledger(30s);
  ASSERT_TRUE(ledger.first_sighting("GPU-a", 79, t0, "kmsg"));
  EXPECT_TRUE(ledger.first_sighting("GPU-b", 79, t0, "nvml"));
  EXPECT_TRUE(ledger.first_sighting("GPU-a", 48, t0, "nvml"));
  EXPECT_TRUE(ledger.first_sighting("GPU-a", 79, t0 + 31s, "nvml"));
}

TEST(XidLedger, CutsNvmlEventsToTheXidsTheKernelLogDidNotReport) {
  XidLedger ledger(30s);
  ledger.first_sighting("GPU-a", 13, t0, "kmsg");
  ledger.first_sighting("GPU-a", 13, t0, "kmsg");
  ledger.first_sighting("GPU-a", 79, t0, "kmsg");
  EventDraft other;
  other.type = "gpu_lost";
  std::vector<EventDraft> events{nvml_xid("GPU-a", 13, 3), nvml_xid("GPU-a", 79, 1), other};
  auto out = ledger.deduplicate(events, t0 + 4s);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload["xid"], 13);
  EXPECT_EQ(out[0].payload["count"], 1);  // 3 from NVML, 2 of them already from the kernel log
  EXPECT_EQ(out[1].type, "gpu_lost");
  MetricSet set;
  ledger.add_metrics(set);
  EXPECT_EQ(set.find("ainode_gpu_xid_duplicates_total")->samples[0].value, 3);
}
