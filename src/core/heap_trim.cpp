#include "core/heap_trim.hpp"

#include <malloc.h>

namespace ainode {

void trim_heap() { malloc_trim(0); }

bool HeapTrimmer::maybe_trim(Clock::time_point now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return false;
  }
  if (now - last_ < every_) return false;
  last_ = now;
  trim_heap();
  return true;
}

}  // namespace ainode
