#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ainode {

// The fields of /proc/<pid>/stat that ainode uses.
struct PidStat {
  std::int64_t pid = 0;
  std::string comm;  // may contain spaces and ')': parsed up to the LAST ')'
  char state = '?';
  std::uint64_t utime_ticks = 0, stime_ticks = 0;
  std::uint64_t num_threads = 0;
  std::uint64_t start_time_ticks = 0;  // with pid, identifies a process across pid reuse
  std::uint64_t rss_pages = 0;
};

// Throws ParseError on anything that is not a complete stat line.
PidStat parse_pid_stat(std::string_view text);

}  // namespace ainode
