#include "core/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

using namespace ainode;
using namespace std::chrono_literals;

namespace {

const MetricDesc kValue{"ainode_test_value", MetricType::gauge, "", "Test value.", {"collector"}};

class ScriptedCollector : public Collector {
 public:
  enum class Mode { ok, throws, warns, hangs };
  ScriptedCollector(std::string name, Mode mode, bool can_hang = true)
      : name_(std::move(name)), mode_(mode), can_hang_(can_hang) {}
  std::string_view name() const override { return name_; }
  bool can_hang() const override { return can_hang_; }
  std::vector<const MetricDesc*> describe() const override { return {&kValue}; }
  void collect(CollectContext& context, MetricSet& out) override {
    ++runs;
    thread = std::this_thread::get_id();
    switch (mode_) {
      case Mode::throws: throw std::runtime_error("broken input");
      case Mode::warns: context.warn("one mount hung"); break;
      case Mode::hangs:
        if (runs == 1) release_future.wait();  // only the first run hangs
        break;
      case Mode::ok: break;
    }
    out.add(kValue, {name_}, 1);
  }
  std::atomic<int> runs{0};
  std::thread::id thread;  // of the last run
  std::promise<void> release;
  std::shared_future<void> release_future = release.get_future().share();

 private:
  std::string name_;
  Mode mode_;
  bool can_hang_;
};

struct Harness {
  std::vector<ScriptedCollector*> collectors;
  std::vector<CycleResult> cycles;
  std::unique_ptr<Scheduler> scheduler;

  // `shared[i]`: collector i cannot hang, so it runs on the shared thread.
  explicit Harness(std::vector<ScriptedCollector::Mode> modes, std::vector<bool> shared = {}) {
    std::vector<std::unique_ptr<Collector>> owned;
    for (std::size_t i = 0; i < modes.size(); ++i) {
      bool can_hang = i >= shared.size() || !shared[i];
      auto c = std::make_unique<ScriptedCollector>("c" + std::to_string(i), modes[i], can_hang);
      collectors.push_back(c.get());
      owned.push_back(std::move(c));
    }
    scheduler = std::make_unique<Scheduler>(std::move(owned), HostFs("/proc", "/sys", "/"),
                                            SchedulerOptions{1000ms, 150ms},
                                            [this](CycleResult&& cycle) { cycles.push_back(std::move(cycle)); });
  }
};

}  // namespace

TEST(Scheduler, SuccessFailureAndWarningAreReportedPerCollector) {
  using M = ScriptedCollector::Mode;
  Harness h({M::ok, M::throws, M::warns});
  h.scheduler->run_once();
  ASSERT_EQ(h.cycles.size(), 1u);
  const auto& cycle = h.cycles[0];
  ASSERT_EQ(cycle.collectors.size(), 3u);
  EXPECT_TRUE(cycle.collectors[0].success);
  EXPECT_EQ(cycle.collectors[0].errors_total, 0u);
  EXPECT_FALSE(cycle.collectors[1].success);
  EXPECT_EQ(cycle.collectors[1].errors_total, 1u);
  EXPECT_EQ(cycle.collectors[1].last_error, "broken input");
  EXPECT_TRUE(cycle.collectors[2].success);
  EXPECT_EQ(cycle.collectors[2].errors_total, 1u);
  EXPECT_EQ(cycle.collectors[2].last_error, "one mount hung");
  // Only the failed collector's metrics are missing.
  ASSERT_EQ(cycle.families.size(), 2u);
  EXPECT_EQ(cycle.families[0].samples[0].label_values[0], "c0");
  EXPECT_EQ(cycle.families[1].samples[0].label_values[0], "c2");
  h.scheduler->run_once();
  EXPECT_EQ(h.cycles[1].collectors[1].errors_total, 2u);
}

TEST(Scheduler, HungCollectorTimesOutWithoutBlockingOthersAndRecovers) {
  using M = ScriptedCollector::Mode;
  Harness h({M::ok, M::hangs});
  h.scheduler->run_once();
  h.scheduler->run_once();
  ASSERT_EQ(h.cycles.size(), 2u);
  for (const auto& cycle : h.cycles) {
    EXPECT_TRUE(cycle.collectors[0].success);
    EXPECT_TRUE(cycle.collectors[1].timed_out);
    EXPECT_FALSE(cycle.collectors[1].success);
    ASSERT_EQ(cycle.families.size(), 1u);
  }
  EXPECT_EQ(h.cycles[1].collectors[1].timeouts_total, 2u);
  EXPECT_NE(h.cycles[1].collectors[1].last_error.find("hung"), std::string::npos);
  // Still stuck in the first run: it was never started a second time.
  EXPECT_EQ(h.collectors[1]->runs.load(), 1);
  EXPECT_EQ(h.collectors[0]->runs.load(), 2);

  h.collectors[1]->release.set_value();
  // The run that finishes late belongs to an old cycle and is dropped; a
  // later cycle starts a fresh run, which succeeds. (Whether the very next
  // cycle still sees the old run depends on thread timing, so allow a few.)
  for (int i = 0; i < 5 && !h.cycles.back().collectors[1].success; ++i) h.scheduler->run_once();
  const auto& recovered = h.cycles.back();
  EXPECT_TRUE(recovered.collectors[1].success);
  EXPECT_EQ(recovered.families.size(), 2u);
  EXPECT_EQ(h.collectors[1]->runs.load(), 2);
}

TEST(Scheduler, CollectorsThatCannotHangShareOneThreadTheOthersHaveTheirOwn) {
  using M = ScriptedCollector::Mode;
  Harness h({M::ok, M::ok, M::ok, M::ok}, {true, true, false, false});
  h.scheduler->run_once();
  h.scheduler->run_once();
  ASSERT_EQ(h.cycles.size(), 2u);
  for (const auto& status : h.cycles[1].collectors) EXPECT_TRUE(status.success) << status.name;
  EXPECT_EQ(h.collectors[0]->thread, h.collectors[1]->thread);
  EXPECT_NE(h.collectors[2]->thread, h.collectors[0]->thread);
  EXPECT_NE(h.collectors[3]->thread, h.collectors[0]->thread);
  EXPECT_NE(h.collectors[2]->thread, h.collectors[3]->thread);
  EXPECT_EQ(h.cycles[1].families.size(), 4u);
}

// The price of sharing, and why only kernel-table readers share: a hang on
// the shared thread holds the collectors queued behind it, never the others.
TEST(Scheduler, AHangOnTheSharedThreadHoldsOnlyThatThread) {
  using M = ScriptedCollector::Mode;
  Harness h({M::hangs, M::ok, M::ok}, {true, true, false});
  h.scheduler->run_once();
  const auto& held = h.cycles.back();
  EXPECT_TRUE(held.collectors[0].timed_out);
  EXPECT_TRUE(held.collectors[1].timed_out) << "queued behind the hung run";
  EXPECT_TRUE(held.collectors[2].success) << "its own thread";
  h.collectors[0]->release.set_value();
  for (int i = 0; i < 5 && !(h.cycles.back().collectors[0].success && h.cycles.back().collectors[1].success); ++i) {
    h.scheduler->run_once();
  }
  for (const auto& status : h.cycles.back().collectors) EXPECT_TRUE(status.success) << status.name;
}

TEST(Scheduler, BackgroundLoopRunsAndStops) {
  using M = ScriptedCollector::Mode;
  std::atomic<int> cycles{0};
  std::vector<std::unique_ptr<Collector>> owned;
  owned.push_back(std::make_unique<ScriptedCollector>("c", M::ok));
  Scheduler scheduler(std::move(owned), HostFs("/proc", "/sys", "/"), SchedulerOptions{10ms, 10ms},
                      [&](CycleResult&&) { ++cycles; });
  scheduler.start();
  while (cycles.load() < 3) std::this_thread::sleep_for(1ms);
  scheduler.stop();
  int after_stop = cycles.load();
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(cycles.load(), after_stop);
}

namespace {

// Says something on its first run only (as collectors say "NVML not
// available" once), and reports how many runs it has seen.
class CountingCollector : public Collector {
 public:
  std::string_view name() const override { return "counting"; }
  std::vector<const MetricDesc*> describe() const override { return {&kValue}; }
  void collect(CollectContext& context, MetricSet& out) override {
    if (++runs == 1) context.notice(NoticeLevel::info, "said once, on the first run");
    out.add(kValue, {"counting"}, runs);
  }
  std::atomic<int> runs{0};
};

}  // namespace

TEST(Scheduler, FirstReadingComesBeforeTheFirstPublishedCycle) {
  std::vector<std::unique_ptr<Collector>> owned;
  auto collector = std::make_unique<CountingCollector>();
  CountingCollector* counting = collector.get();
  owned.push_back(std::move(collector));
  SchedulerOptions options;
  options.interval = 10s;
  options.timeout = 1s;
  options.first_reading_gap = 50ms;
  std::mutex mutex;
  std::vector<CycleResult> cycles;
  Scheduler scheduler(std::move(owned), HostFs("/proc", "/sys", "/"), options, [&](CycleResult&& cycle) {
    std::lock_guard lock(mutex);
    cycles.push_back(std::move(cycle));
  });
  auto started = std::chrono::steady_clock::now();
  scheduler.start();
  while (true) {
    std::lock_guard lock(mutex);
    if (!cycles.empty()) break;
    if (std::chrono::steady_clock::now() - started > 5s) break;
  }
  auto waited = std::chrono::steady_clock::now() - started;
  scheduler.stop();
  ASSERT_EQ(cycles.size(), 1u) << "the first reading is not published, the next cycle waits a whole interval";
  EXPECT_GE(waited, 50ms);
  EXPECT_EQ(counting->runs.load(), 2) << "the published cycle is the second reading";
  EXPECT_EQ(cycles[0].sequence, 1u);
  ASSERT_EQ(cycles[0].families.size(), 1u);
  EXPECT_EQ(cycles[0].families[0].samples[0].value, 2);
  ASSERT_EQ(cycles[0].collectors[0].notices.size(), 1u) << "the first reading's notice is handed on, not lost";
  EXPECT_EQ(cycles[0].collectors[0].notices[0].message, "said once, on the first run");
}
