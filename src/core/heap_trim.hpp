#pragma once
// Gives the heap's free pages back to the kernel now and then (issue 15).
//
// glibc returns memory to the kernel only from the top of an arena; pages
// freed in the middle stay resident. The agent's work is a steady churn of
// short-lived strings and JSON (each cycle, each scrape, each event for
// every stream client), so those holes add up: the soak's RSS rose for
// many minutes while the live heap stayed near 7 MiB (heaptrack).
// malloc_trim(0) releases every whole free page in every arena
// (madvise(MADV_DONTNEED)); every 10 s (the scheduler's interval) it costs
// little and keeps RSS at what is in use.

#include <chrono>

namespace ainode {

class HeapTrimmer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit HeapTrimmer(Clock::duration every = std::chrono::minutes(1)) : every_(every) {}

  // Trims when `every` has passed since the last trim (or since the first
  // call); returns whether it did.
  bool maybe_trim(Clock::time_point now);

 private:
  Clock::duration every_;
  Clock::time_point last_{};
  bool started_ = false;
};

// Releases the free pages of every arena now.
void trim_heap();

}  // namespace ainode
