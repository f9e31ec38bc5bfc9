#pragma once
// Shared by the benchmark programs.
#include <sys/resource.h>

namespace ainode::bench {

// User + system CPU time of the whole process (all threads), in seconds.
inline double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace ainode::bench
