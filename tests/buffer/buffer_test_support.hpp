#pragma once
// Snapshots and a scratch state directory for the buffer and sender tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "buffer/buffer.hpp"
#include "core/snapshot.hpp"
#include "prometheus/remote.pb.h"
#include "remote_write/snappy_block.hpp"

namespace ainode::testing {

inline const MetricDesc kTestGauge{"ainode_test_value", MetricType::gauge, "", "A test value.", {"device"}};

inline std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A snapshot of `devices` samples of kTestGauge, each device d valued value + d.
inline std::shared_ptr<const Snapshot> make_snapshot(std::int64_t taken_at_ms, double value, int devices = 3) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->taken_at = at_ms(taken_at_ms);
  MetricSet set;
  for (int d = 0; d < devices; ++d) set.add(kTestGauge, {"dev" + std::to_string(d)}, value + d);
  snapshot->families = set.families();
  return snapshot;
}

inline prometheus::WriteRequest decode(const StoredCycle& cycle) {
  prometheus::WriteRequest request;
  auto raw = snappy_block_uncompress(cycle.data);
  EXPECT_TRUE(raw.has_value());
  if (raw) {
    EXPECT_TRUE(request.ParseFromString(*raw));
  }
  return request;
}

class StateDirectory {
 public:
  explicit StateDirectory(const std::string& suffix = "") {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("ainode-state-" + std::string(test->test_suite_name()) + "-" +
                                                     test->name() + suffix + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~StateDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  StateDirectory(const StateDirectory&) = delete;
  StateDirectory& operator=(const StateDirectory&) = delete;
  std::string path() const { return dir_.string(); }
  std::string database() const { return (dir_ / "buffer.db").string(); }
  BufferOptions options() const {
    BufferOptions options;
    options.directory = path();
    return options;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace ainode::testing
