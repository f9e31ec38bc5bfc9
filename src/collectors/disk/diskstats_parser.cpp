#include "collectors/disk/diskstats_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::vector<DiskStats> parse_diskstats(std::string_view text) {
  std::vector<DiskStats> disks;
  for (auto line : text::lines(text)) {
    auto f = text::fields(line);
    if (f.empty()) continue;
    // A kernel newer than this parser may append fields; the known ones
    // keep their positions, so extra fields are ignored rather than failing
    // every disk.
    if (f.size() != 14 && f.size() != 18 && f.size() < 20) {
      throw ParseError("diskstats: line with " + std::to_string(f.size()) +
                       " fields (expected 14, 18 or at least 20): '" + std::string(line.substr(0, 60)) + "'");
    }
    auto n = [&](std::size_t i) { return text::require_u64(f[i], "diskstats counter"); };
    DiskStats d;
    d.major = n(0);
    d.minor = n(1);
    d.device = std::string(f[2]);
    d.reads_completed = n(3);
    d.reads_merged = n(4);
    d.sectors_read = n(5);
    d.read_time_ms = n(6);
    d.writes_completed = n(7);
    d.writes_merged = n(8);
    d.sectors_written = n(9);
    d.write_time_ms = n(10);
    d.io_in_progress = n(11);
    d.io_time_ms = n(12);
    d.weighted_io_time_ms = n(13);
    if (f.size() >= 18) d.discards = DiskStats::Discards{n(14), n(15), n(16), n(17)};
    if (f.size() >= 20) d.flushes = DiskStats::Flushes{n(18), n(19)};
    disks.push_back(std::move(d));
  }
  return disks;
}

}  // namespace ainode
