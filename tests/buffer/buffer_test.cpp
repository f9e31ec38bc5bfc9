#include "buffer/buffer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "buffer/buffer_test_support.hpp"

namespace ainode {
namespace {

using testing::decode;
using testing::make_snapshot;
using testing::StateDirectory;
using testing::wall_ms;

TEST(Buffer, AppendsCyclesInOrderWithTheirTimestampsAndValues) {
  StateDirectory state;
  Buffer buffer(state.options());
  std::int64_t start = wall_ms() - 10'000;
  for (int i = 0; i < 5; ++i) buffer.append(make_snapshot(start + i * 1000, i));
  buffer.flush();
  auto cycles = buffer.read_after(0, 1'000'000);
  ASSERT_EQ(cycles.size(), 5u);
  for (std::size_t i = 0; i < cycles.size(); ++i) {
    EXPECT_EQ(cycles[i].seq, i + 1);
    EXPECT_EQ(cycles[i].taken_at_ms, start + static_cast<std::int64_t>(i) * 1000);
    EXPECT_EQ(cycles[i].samples, 3);
    auto request = decode(cycles[i]);
    ASSERT_EQ(request.timeseries_size(), 3);
    const auto& series = request.timeseries(2);
    ASSERT_EQ(series.labels_size(), 2);
    EXPECT_EQ(series.labels(0).name(), "__name__");
    EXPECT_EQ(series.labels(0).value(), "ainode_test_value");
    EXPECT_EQ(series.labels(1).name(), "device");
    EXPECT_EQ(series.labels(1).value(), "dev2");
    EXPECT_EQ(series.samples(0).value(), static_cast<double>(i) + 2);
    EXPECT_EQ(series.samples(0).timestamp(), start + static_cast<std::int64_t>(i) * 1000);
  }
  auto status = buffer.status();
  EXPECT_EQ(status.mode, "disk");
  EXPECT_EQ(status.cycles, 5);
  EXPECT_EQ(status.samples, 15);
  EXPECT_EQ(status.appended_samples_total, 15);
  // read_after honours the sample limit but always returns one whole cycle.
  EXPECT_EQ(buffer.read_after(0, 7).size(), 2u);
  EXPECT_EQ(buffer.read_after(0, 1).size(), 1u);
  EXPECT_EQ(buffer.read_after(4, 100).size(), 1u);
}

TEST(Buffer, CyclesAndPositionsSurviveARestartAndSequenceNumbersContinue) {
  StateDirectory state;
  std::int64_t start = wall_ms() - 10'000;
  {
    Buffer buffer(state.options());
    for (int i = 0; i < 3; ++i) buffer.append(make_snapshot(start + i * 1000, i));
    buffer.flush();
    buffer.save_position("http://receiver/write", 2);
  }
  Buffer buffer(state.options());
  EXPECT_EQ(buffer.last_seq(), 3u);
  EXPECT_EQ(buffer.position("http://receiver/write"), 2u);
  EXPECT_FALSE(buffer.position("http://other/write").has_value());
  buffer.append(make_snapshot(start + 3000, 3));
  buffer.flush();
  auto cycles = buffer.read_after(2, 1000);
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0].seq, 3u);
  EXPECT_EQ(cycles[1].seq, 4u);
  EXPECT_EQ(cycles[1].taken_at_ms, start + 3000);
}

TEST(Buffer, DropsOldestFirstBeyondMaxBytesAndCountsThem) {
  StateDirectory state;
  auto options = state.options();
  std::int64_t start = wall_ms() - 100'000;
  {
    Buffer probe(options);
    probe.append(make_snapshot(start, 0, 50));
    probe.flush();
    options.max_bytes = probe.status().data_bytes * 3;  // room for three cycles
  }
  std::filesystem::remove_all(state.path());
  std::filesystem::create_directories(state.path());
  Buffer buffer(options);
  buffer.save_position("r", 0);  // a receiver that sent nothing
  for (int i = 0; i < 10; ++i) buffer.append(make_snapshot(start + i * 1000, i, 50));
  buffer.flush();
  auto status = buffer.status();
  EXPECT_LE(status.data_bytes, options.max_bytes);
  EXPECT_GE(status.cycles, 2);
  EXPECT_LE(status.cycles, 3);
  EXPECT_EQ(status.dropped_samples_total["max_bytes"], (10 - status.cycles) * 50);
  EXPECT_EQ(buffer.evicted_unsent_samples("r"), (10 - status.cycles) * 50);
  auto cycles = buffer.read_after(0, 1'000'000);
  ASSERT_FALSE(cycles.empty());
  EXPECT_EQ(cycles.back().seq, 10u);  // the newest are kept
  EXPECT_EQ(cycles.front().seq, static_cast<std::uint64_t>(10 - status.cycles + 1));
}

TEST(Buffer, DropsCyclesOlderThanMaxAge) {
  StateDirectory state;
  auto options = state.options();
  options.max_age = std::chrono::hours(1);
  Buffer buffer(options);
  std::int64_t now = wall_ms();
  buffer.append(make_snapshot(now - 3 * 3'600'000, 1));  // 3 h old: dropped at once
  buffer.append(make_snapshot(now - 2 * 3'600'000, 2));
  buffer.append(make_snapshot(now - 1000, 3));
  buffer.flush();
  auto status = buffer.status();
  EXPECT_EQ(status.cycles, 1);
  EXPECT_EQ(status.dropped_samples_total["max_age"], 6);
  auto cycles = buffer.read_after(0, 100);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].taken_at_ms, now - 1000);
}

// The state a kill -9 or a power cut leaves: a write-ahead log whose last
// frame was written only in part. SQLite ignores the torn frame; the buffer
// says so and keeps everything before it.
TEST(Buffer, TornWriteAheadLogTailIsReportedAndTheCyclesBeforeItKept) {
  StateDirectory state;
  StateDirectory copy("-copy");
  std::int64_t start = wall_ms() - 10'000;
  Buffer buffer(state.options());
  for (int i = 0; i < 6; ++i) buffer.append(make_snapshot(start + i * 1000, i, 200));
  buffer.flush();
  // Copied while the buffer is open, as the disk holds it at a crash.
  std::filesystem::copy_file(state.database(), copy.database());
  std::filesystem::copy_file(state.database() + "-wal", copy.database() + "-wal");
  auto wal_size = std::filesystem::file_size(copy.database() + "-wal");
  ASSERT_GT(wal_size, 8192u);
  std::filesystem::resize_file(copy.database() + "-wal", wal_size - 1000);

  Buffer recovered(copy.options());
  auto status = recovered.status();
  EXPECT_EQ(status.mode, "disk");
  EXPECT_NE(status.recovery.torn_wal.find("torn write-ahead log tail"), std::string::npos) << status.recovery.torn_wal;
  // The last transaction is lost at most: the one whose frame was cut.
  auto cycles = recovered.read_after(0, 1'000'000);
  EXPECT_GE(cycles.size(), 5u);
  EXPECT_LE(cycles.size(), 6u);
  for (std::size_t i = 0; i < cycles.size(); ++i) EXPECT_EQ(cycles[i].seq, i + 1);
  recovered.append(make_snapshot(start + 7000, 7, 200));
  recovered.flush();
  EXPECT_EQ(recovered.read_after(0, 1'000'000).back().seq, cycles.size() + 1);
}

TEST(Buffer, UnreadableDatabaseIsSetAsideAndAFreshOneUsed) {
  StateDirectory state;
  std::ofstream(state.database()) << std::string(8192, 'x');
  Buffer buffer(state.options());
  auto status = buffer.status();
  EXPECT_EQ(status.mode, "disk");
  EXPECT_NE(status.recovery.set_aside.find(state.database() + ".corrupt-"), std::string::npos);
  bool kept = false;
  for (const auto& entry : std::filesystem::directory_iterator(state.path())) {
    kept |= entry.path().filename().string().starts_with("buffer.db.corrupt-");
  }
  EXPECT_TRUE(kept);
  buffer.append(make_snapshot(wall_ms(), 1));
  buffer.flush();
  EXPECT_EQ(buffer.read_after(0, 100).size(), 1u);
}

TEST(Buffer, RecordWhoseBytesNoLongerMatchItsChecksumIsCutAndCounted) {
  StateDirectory state;
  std::int64_t start = wall_ms() - 10'000;
  {
    Buffer buffer(state.options());
    for (int i = 0; i < 4; ++i) buffer.append(make_snapshot(start + i * 1000, i));
    buffer.flush();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(state.database().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE cycles SET data = zeroblob(40) WHERE seq = 4", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Buffer buffer(state.options());
  EXPECT_EQ(buffer.status().recovery.corrupt_rows, 1);
  auto cycles = buffer.read_after(0, 1000);
  ASSERT_EQ(cycles.size(), 3u);
  EXPECT_EQ(cycles.back().seq, 3u);
  EXPECT_EQ(buffer.last_seq(), 4u);  // numbers are never reused
}

// A full disk (here: RLIMIT_FSIZE, which fails writes past the limit with
// EFBIG the way a full file system fails them with ENOSPC) must not stop
// the buffer: it keeps cycles in memory, says so, and moves them to disk in
// order once writes work again.
TEST(Buffer, FullDiskDegradesToMemoryAndRecoversInOrder) {
  StateDirectory state;
  auto options = state.options();
  options.disk_retry_interval = std::chrono::milliseconds(0);
  std::int64_t start = wall_ms() - 100'000;
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &original), 0);
  {
    Buffer buffer(options);
    buffer.append(make_snapshot(start, 0, 100));
    buffer.flush();
    auto largest = std::max(std::filesystem::file_size(state.database()),
                            std::filesystem::file_size(state.database() + "-wal"));
    rlimit limited = original;
    limited.rlim_cur = largest + 4096;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    for (int i = 1; i < 20; ++i) {
      buffer.append(make_snapshot(start + i * 1000, i, 100));
      buffer.flush();  // one cycle per interval, as the scheduler hands them over
    }
    auto degraded = buffer.status();
    EXPECT_EQ(degraded.mode, "memory");
    EXPECT_FALSE(degraded.problem.empty());
    EXPECT_GT(degraded.memory_cycles, 0);
    EXPECT_GT(degraded.disk_errors_total, 0);
    EXPECT_EQ(degraded.cycles, 20);  // nothing lost while degraded
    auto all = buffer.read_after(0, 1'000'000);
    ASSERT_EQ(all.size(), 20u);
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);

    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &original), 0);
    buffer.append(make_snapshot(start + 20'000, 20, 100));
    buffer.flush();
    auto recovered = buffer.status();
    EXPECT_EQ(recovered.mode, "disk");
    EXPECT_EQ(recovered.memory_cycles, 0);
  }
  setrlimit(RLIMIT_FSIZE, &original);
  std::signal(SIGXFSZ, previous_handler);
  Buffer reopened(options);
  auto cycles = reopened.read_after(0, 1'000'000);
  ASSERT_EQ(cycles.size(), 21u);
  for (std::size_t i = 0; i < cycles.size(); ++i) {
    EXPECT_EQ(cycles[i].seq, i + 1);
    EXPECT_EQ(cycles[i].taken_at_ms, start + static_cast<std::int64_t>(i) * 1000);
  }
}

// A writer behind by many cycles (a disk that takes seconds per fsync)
// costs queued cycles, counted, never the caller's time: every sample
// handed over is either stored or counted as dropped.
TEST(Buffer, FullHandOffQueueDropsTheOldestQueuedSnapshotAndCountsIt) {
  StateDirectory state;
  auto options = state.options();
  options.queue_capacity = 1;
  Buffer buffer(options);
  std::int64_t start = wall_ms() - 100'000;
  for (int i = 0; i < 200; ++i) buffer.append(make_snapshot(start + i * 10, i));
  buffer.flush();
  auto status = buffer.status();
  EXPECT_GT(status.dropped_samples_total["queue_full"], 0);
  EXPECT_EQ(status.samples + status.dropped_samples_total["queue_full"], 600);
  auto cycles = buffer.read_after(0, 1'000'000);
  for (std::size_t i = 1; i < cycles.size(); ++i) EXPECT_GT(cycles[i].taken_at_ms, cycles[i - 1].taken_at_ms);
}

TEST(Buffer, NoStateDirectoryMeansMemoryOnlyWithTheReason) {
  BufferOptions options;
  options.directory_problem = "/var/lib/ainode: not writable";
  Buffer buffer(options);
  buffer.append(make_snapshot(wall_ms(), 1));
  buffer.flush();
  auto status = buffer.status();
  EXPECT_EQ(status.mode, "memory");
  EXPECT_NE(status.problem.find("not writable"), std::string::npos);
  EXPECT_EQ(buffer.read_after(0, 100).size(), 1u);
}

}  // namespace
}  // namespace ainode
