#pragma once
// Milliseconds since the Unix epoch: the unit of remote_write timestamps and
// of the buffer's records.
#include <chrono>
#include <cstdint>

namespace ainode {

inline std::int64_t unix_millis(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline std::int64_t unix_millis_now() { return unix_millis(std::chrono::system_clock::now()); }

}  // namespace ainode
