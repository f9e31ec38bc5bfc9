#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// One line of /proc/diskstats (Documentation/admin-guide/iostats.rst).
// Kernels print 14 fields (up to 4.17), 18 (discards, 4.18+) or 20
// (flushes, 5.5+); later groups are absent on older kernels.
struct DiskStats {
  std::uint64_t major = 0, minor = 0;
  std::string device;
  std::uint64_t reads_completed = 0, reads_merged = 0, sectors_read = 0, read_time_ms = 0;
  std::uint64_t writes_completed = 0, writes_merged = 0, sectors_written = 0, write_time_ms = 0;
  std::uint64_t io_in_progress = 0, io_time_ms = 0, weighted_io_time_ms = 0;
  struct Discards {
    std::uint64_t completed = 0, merged = 0, sectors = 0, time_ms = 0;
  };
  std::optional<Discards> discards;
  struct Flushes {
    std::uint64_t completed = 0, time_ms = 0;
  };
  std::optional<Flushes> flushes;
};

// Throws ParseError on a line with an unexpected field count (anything but
// 14, 18 or at least 20; fields past the 20th are ignored) or a non-numeric
// counter: the kernel writes this file whole, so a bad line means a bad file.
// Blank lines are skipped.
std::vector<DiskStats> parse_diskstats(std::string_view text);

// diskstats counts 512-byte sectors whatever the device's sector size.
inline constexpr double kDiskstatsSectorBytes = 512.0;

}  // namespace ainode
