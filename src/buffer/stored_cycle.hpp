#pragma once
#include <cstdint>
#include <string>

namespace ainode {

// One collection cycle as kept in the buffer: a snappy-compressed
// remote_write WriteRequest (remote_write/write_request.hpp) and what is
// needed to select it without decoding it.
struct StoredCycle {
  std::uint64_t seq = 0;         // strictly increasing across restarts
  std::int64_t taken_at_ms = 0;  // the samples' timestamp
  std::int64_t samples = 0;
  std::string data;              // snappy(WriteRequest)
};

// The cycles after a send position: what a receiver still has to get.
struct PendingCycles {
  std::int64_t cycles = 0, samples = 0;
  std::int64_t oldest_ms = 0, newest_ms = 0;
};

}  // namespace ainode
