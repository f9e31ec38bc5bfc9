#include "collectors/processes/pid_stat_parser.hpp"

#include <string.h>

#include <array>

#include "core/text.hpp"

namespace ainode {

PidStat parse_pid_stat(std::string_view text) {
  auto open = text.find('(');
  // The comm may itself hold ')': the last one closes it. memrchr, not
  // rfind: the ~250 characters after it are scanned for every process
  // every cycle, and glibc's is vectorized.
  const void* last_paren = text.empty() ? nullptr : ::memrchr(text.data(), ')', text.size());
  auto close = last_paren == nullptr ? std::string_view::npos
                                     : static_cast<std::size_t>(static_cast<const char*>(last_paren) - text.data());
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    throw ParseError("pid stat: no (comm)");
  }
  PidStat stat;
  stat.pid = text::require_i64(text::trim(text.substr(0, open)), "pid");
  stat.comm = std::string(text.substr(open + 1, close - open - 1));
  // Fields after the comm, numbered from 3 (state) as in proc(5).
  // Only as far as rss: the ~30 fields after it are never read, and this
  // runs for every process every cycle.
  constexpr std::size_t kState = 0, kUtime = 11, kStime = 12, kThreads = 17, kStartTime = 19, kRss = 21;
  std::array<std::string_view, kRss + 1> fields;
  std::size_t count = text::leading_fields(text::trim(text.substr(close + 1)), fields);
  if (count <= kRss) throw ParseError("pid stat: only " + std::to_string(count) + " fields after comm");
  if (fields[kState].size() != 1) throw ParseError("pid stat: bad state '" + std::string(fields[kState]) + "'");
  stat.state = fields[kState][0];
  stat.utime_ticks = text::require_u64(fields[kUtime], "utime");
  stat.stime_ticks = text::require_u64(fields[kStime], "stime");
  stat.num_threads = text::require_u64(fields[kThreads], "num_threads");
  stat.start_time_ticks = text::require_u64(fields[kStartTime], "starttime");
  // rss is signed in the kernel's format; a negative value is corrupt input.
  stat.rss_pages = text::require_u64(fields[kRss], "rss");
  return stat;
}

}  // namespace ainode
