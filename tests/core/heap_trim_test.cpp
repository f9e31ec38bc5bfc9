#include "core/heap_trim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace ainode {
namespace {

long resident_anonymous_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "RssAnon:") {
      status >> value;
      return value;
    }
    status.ignore(4096, '\n');
  }
  return value;
}

TEST(HeapTrimmer, TrimsOnlyOnceTheIntervalHasPassed) {
  using namespace std::chrono_literals;
  HeapTrimmer trimmer(60s);
  HeapTrimmer::Clock::time_point t0{};
  EXPECT_FALSE(trimmer.maybe_trim(t0 + 1s));   // the first call only starts the clock
  EXPECT_FALSE(trimmer.maybe_trim(t0 + 60s));  // 59 s later
  EXPECT_TRUE(trimmer.maybe_trim(t0 + 61s));
  EXPECT_FALSE(trimmer.maybe_trim(t0 + 100s));
  EXPECT_TRUE(trimmer.maybe_trim(t0 + 121s));
}

// Holes in the middle of the heap, which free() keeps resident: 32 MiB of
// 1 KiB blocks, every other one freed, so no free run reaches the top.
TEST(HeapTrimmer, GivesFreePagesInTheMiddleOfTheHeapBack) {
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 32 * 1024; ++i) {
    blocks.emplace_back(new char[1024]);
    std::fill_n(blocks.back().get(), 1024, static_cast<char>(i));
  }
  // Free runs of 63 blocks, keeping every 64th: free pages between kept ones.
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i % 64 != 0) blocks[i].reset();
  }
  long before = resident_anonymous_kib();
  trim_heap();
  long after = resident_anonymous_kib();
  ASSERT_GT(before, 0);
  EXPECT_LT(after, before - 16 * 1024) << "RssAnon " << before << " -> " << after << " KiB";
}

}  // namespace
}  // namespace ainode
