#include "gpu/kernel_xid_follower.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>

#include "collectors/gpu/gpu_metrics.hpp"

using namespace ainode;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(500000));

// Records handed out one per read, as /dev/kmsg does; "EPIPE" stands for an overrun.
class ListSource : public KmsgSource {
 public:
  ListSource(std::deque<std::string>& records, std::uint64_t now_us) : records_(records), now_us_(now_us) {}
  Read read(std::string& record) override {
    if (records_.empty()) return Read::empty;
    record = records_.front();
    records_.pop_front();
    return record == "EPIPE" ? Read::overwritten : Read::record;
  }
  std::uint64_t monotonic_now_microseconds() const override { return now_us_; }

 private:
  std::deque<std::string>& records_;
  std::uint64_t now_us_;
};

Snapshot gpus_snapshot() {
  GpuReading a;
  a.index = 0;
  a.uuid = "GPU-a";
  a.pci_bus_id = "00000000:3B:00.0";
  GpuReading b;
  b.index = 1;
  b.uuid = "GPU-b";
  b.pci_bus_id = "00000000:B1:00.0";
  std::vector<GpuReading> gpus{a, b};
  GpuEventLog::Counts events;
  std::map<NvmlErrorKey, std::uint64_t> errors;
  std::map<NvmlCallKey, std::uint64_t> slow;
  MetricSet set;
  add_gpu_metrics(GpuMetricInputs{gpus, events, errors, slow, "550.54.15", "12.4"}, set);
  Snapshot s;
  s.families = std::move(set.families());
  return s;
}

struct Fixture {
  std::deque<std::string> records;
  XidLedger ledger{30s};
  // Monotonic "now" is 100 s after boot; the agent started at t0.
  KernelXidFollower follower{std::make_unique<ListSource>(records, 100'000'000), "", ledger, t0};
};

double metric(const MetricSet& set, std::string_view name, std::vector<std::string> labels = {}) {
  const Family* family = set.find(name);
  if (!family) return -1;
  for (const auto& s : family->samples) {
    if (labels.empty() || s.label_values.to_strings() == labels) return s.value;
  }
  return -1;
}

}  // namespace

TEST(KernelXidFollower, MapsThePciAddressToTheGpuAndPublishesOnce) {
  Fixture f;
  f.records = {"4,10,99000000,-;NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n"};
  auto events = f.follower.poll(gpus_snapshot(), t0 + 10s);
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.type, "gpu_xid");
  EXPECT_EQ(e.subject.gpu, 0u);
  EXPECT_EQ(e.subject.uuid, "GPU-a");
  EXPECT_EQ(e.payload["source"], "kmsg");
  EXPECT_EQ(e.payload["xid"], 79);
  EXPECT_EQ(e.payload["action"], "reboot_node");
  EXPECT_EQ(e.payload["pci_bus_id"], "0000:3b:00");
  // Logged 1 s before "now" on the monotonic clock: t0 + 9 s, after the start.
  EXPECT_DOUBLE_EQ(e.payload["logged_unix_seconds"].get<double>(),
                   std::chrono::duration<double>((t0 + 9s).time_since_epoch()).count());
  EXPECT_EQ(e.payload["replayed"], false);
  // NVML reporting the same XID at the next cycle is not a second one.
  EventDraft nvml;
  nvml.type = "gpu_xid";
  nvml.subject.uuid = "GPU-a";
  nvml.payload = {{"xid", 79}, {"count", 1}, {"source", "nvml"}};
  EXPECT_TRUE(f.ledger.deduplicate({nvml}, t0 + 15s).empty());
}

TEST(KernelXidFollower, RecordsFromBeforeTheStartAreMarkedReplayed) {
  Fixture f;
  f.records = {"4,10,40000000,-;NVRM: Xid (PCI:0000:b1:00): 119, pid=1, name=python, Timeout after 6s\n"};
  auto events = f.follower.poll(gpus_snapshot(), t0 + 1s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subject.uuid, "GPU-b");
  EXPECT_EQ(events[0].payload["replayed"], true);
}

TEST(KernelXidFollower, TheRecordedLogYieldsEveryXidAndCountsWhatWasLost) {
  Fixture f;
  std::ifstream in(std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/kmsg/dev-kmsg.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == ' ' && !f.records.empty()) {
      f.records.back() += line + "\n";
    } else {
      f.records.push_back(line + "\n");
    }
  }
  f.records.push_back("EPIPE");
  f.records.push_back("6,1100,7000000000,-;after an overrun: 60 records lost\n");
  auto events = f.follower.poll(gpus_snapshot(), t0 + 1s);
  EXPECT_EQ(events.size(), 11u);  // every XID line, each once (bursts of 13 included)
  int on_gpu_a = 0, unmatched = 0;
  for (const auto& e : events) {
    if (e.subject.uuid == "GPU-a") ++on_gpu_a;
    if (e.subject.uuid.empty()) {
      ++unmatched;
      EXPECT_TRUE(e.message.starts_with("PCI ")) << e.message;
    }
  }
  EXPECT_EQ(on_gpu_a, 4);   // 79 and three 13s on 3b:00
  EXPECT_EQ(unmatched, 6);  // 17:00 (48, 63), 0f:00 (94), 01:00 (13), 07:00 (31), 86:00 (74)
  MetricSet set;
  f.follower.add_metrics(set);
  EXPECT_EQ(metric(set, "ainode_kernel_log_up"), 1);
  EXPECT_EQ(metric(set, "ainode_gpu_kernel_log_xids_total", {"0", "GPU-a", "13"}), 3);
  EXPECT_EQ(metric(set, "ainode_kernel_log_records_lost_total", {"rate_limited"}), 37);
  // 1040..1099 overwritten, and 1038, whose header is garbage, never read.
  EXPECT_EQ(metric(set, "ainode_kernel_log_records_lost_total", {"overwritten"}), 61);
}

TEST(KernelXidFollower, AnUnavailableKernelLogIsSaidNotRetried) {
  XidLedger ledger(30s);
  std::string error;
  auto source = open_dev_kmsg("/nonexistent/dev/kmsg", error);
  EXPECT_EQ(source, nullptr);
  EXPECT_NE(error.find("/nonexistent/dev/kmsg"), std::string::npos);
  KernelXidFollower follower(std::move(source), error, ledger);
  EXPECT_FALSE(follower.available());
  EXPECT_TRUE(follower.poll(gpus_snapshot()).empty());
  MetricSet set;
  follower.add_metrics(set);
  EXPECT_EQ(metric(set, "ainode_kernel_log_up"), 0);
  EXPECT_EQ(set.find("ainode_gpu_kernel_log_xids_total"), nullptr);
}
