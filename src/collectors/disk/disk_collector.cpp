#include "collectors/disk/disk_collector.hpp"

#include <algorithm>

#include "collectors/disk/diskstats_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kDevice = {"device"};
const MetricDesc kReads{"ainode_disk_reads_completed_total", MetricType::counter, "", "Reads completed.", kDevice};
const MetricDesc kReadsMerged{"ainode_disk_reads_merged_total", MetricType::counter, "", "Adjacent reads merged.", kDevice};
const MetricDesc kReadBytes{"ainode_disk_read_bytes_total", MetricType::counter, "bytes", "Bytes read.", kDevice};
const MetricDesc kReadTime{"ainode_disk_read_time_seconds_total", MetricType::counter, "seconds",
                           "Time spent on reads (summed over requests).", kDevice};
const MetricDesc kWrites{"ainode_disk_writes_completed_total", MetricType::counter, "", "Writes completed.", kDevice};
const MetricDesc kWritesMerged{"ainode_disk_writes_merged_total", MetricType::counter, "", "Adjacent writes merged.", kDevice};
const MetricDesc kWrittenBytes{"ainode_disk_written_bytes_total", MetricType::counter, "bytes", "Bytes written.", kDevice};
const MetricDesc kWriteTime{"ainode_disk_write_time_seconds_total", MetricType::counter, "seconds",
                            "Time spent on writes (summed over requests).", kDevice};
const MetricDesc kIoNow{"ainode_disk_io_now", MetricType::gauge, "", "I/Os in progress.", kDevice};
const MetricDesc kIoTime{"ainode_disk_io_time_seconds_total", MetricType::counter, "seconds",
                         "Time the device had I/O in flight (busy time).", kDevice};
const MetricDesc kIoTimeWeighted{"ainode_disk_io_time_weighted_seconds_total", MetricType::counter, "seconds",
                                 "Busy time weighted by I/Os in flight (queue depth integral).", kDevice};
const MetricDesc kDiscards{"ainode_disk_discards_completed_total", MetricType::counter, "", "Discards completed.", kDevice};
const MetricDesc kDiscardedBytes{"ainode_disk_discarded_bytes_total", MetricType::counter, "bytes", "Bytes discarded.", kDevice};
const MetricDesc kDiscardTime{"ainode_disk_discard_time_seconds_total", MetricType::counter, "seconds",
                              "Time spent on discards.", kDevice};
const MetricDesc kFlushes{"ainode_disk_flush_requests_total", MetricType::counter, "", "Flush requests completed.", kDevice};
const MetricDesc kFlushTime{"ainode_disk_flush_requests_time_seconds_total", MetricType::counter, "seconds",
                            "Time spent on flush requests.", kDevice};
const MetricDesc kInfo{"ainode_disk_info", MetricType::gauge, "",
                       "Block device identity where sysfs has a model or serial; value is always 1.",
                       {"device", "major", "minor", "model", "serial"}};
constexpr double kMilliseconds = 1000.0;
}  // namespace

std::vector<const MetricDesc*> DiskCollector::describe() const {
  return {&kReads,  &kReadsMerged,   &kReadBytes, &kReadTime,   &kWrites,        &kWritesMerged,
          &kWrittenBytes, &kWriteTime, &kIoNow, &kIoTime, &kIoTimeWeighted, &kDiscards,
          &kDiscardedBytes, &kDiscardTime, &kFlushes, &kFlushTime, &kInfo};
}

void DiskCollector::collect(CollectContext& context, MetricSet& out) {
  device_exclude_.require_valid();
  std::vector<DiskStats> disks;
  for (auto& d : parse_diskstats(HostFs::read(context.fs.proc("diskstats")))) {
    if (!device_exclude_.excludes(d.device)) disks.push_back(std::move(d));
  }
  std::sort(disks.begin(), disks.end(), [](const DiskStats& a, const DiskStats& b) { return a.device < b.device; });
  auto each = [&](const MetricDesc& desc, auto value) {
    for (const auto& d : disks) {
      if (auto v = value(d)) out.add(desc, {d.device}, *v);
    }
  };
  using V = std::optional<double>;
  auto num = [](std::uint64_t v) { return static_cast<double>(v); };
  each(kReads, [&](const DiskStats& d) -> V { return num(d.reads_completed); });
  each(kReadsMerged, [&](const DiskStats& d) -> V { return num(d.reads_merged); });
  each(kReadBytes, [&](const DiskStats& d) -> V { return num(d.sectors_read) * kDiskstatsSectorBytes; });
  each(kReadTime, [&](const DiskStats& d) -> V { return num(d.read_time_ms) / kMilliseconds; });
  each(kWrites, [&](const DiskStats& d) -> V { return num(d.writes_completed); });
  each(kWritesMerged, [&](const DiskStats& d) -> V { return num(d.writes_merged); });
  each(kWrittenBytes, [&](const DiskStats& d) -> V { return num(d.sectors_written) * kDiskstatsSectorBytes; });
  each(kWriteTime, [&](const DiskStats& d) -> V { return num(d.write_time_ms) / kMilliseconds; });
  each(kIoNow, [&](const DiskStats& d) -> V { return num(d.io_in_progress); });
  each(kIoTime, [&](const DiskStats& d) -> V { return num(d.io_time_ms) / kMilliseconds; });
  each(kIoTimeWeighted, [&](const DiskStats& d) -> V { return num(d.weighted_io_time_ms) / kMilliseconds; });
  each(kDiscards, [&](const DiskStats& d) -> V { return d.discards ? V(num(d.discards->completed)) : std::nullopt; });
  each(kDiscardedBytes, [&](const DiskStats& d) -> V {
    return d.discards ? V(num(d.discards->sectors) * kDiskstatsSectorBytes) : std::nullopt;
  });
  each(kDiscardTime, [&](const DiskStats& d) -> V {
    return d.discards ? V(num(d.discards->time_ms) / kMilliseconds) : std::nullopt;
  });
  each(kFlushes, [&](const DiskStats& d) -> V { return d.flushes ? V(num(d.flushes->completed)) : std::nullopt; });
  each(kFlushTime, [&](const DiskStats& d) -> V {
    return d.flushes ? V(num(d.flushes->time_ms) / kMilliseconds) : std::nullopt;
  });
  // Device-mapper, md and loop devices have no device/ directory: no info
  // series rather than one with nothing in it.
  for (const auto& d : disks) {
    auto device_dir = context.fs.sys("block/" + d.device + "/device");
    auto model = HostFs::try_read_line(device_dir / "model");
    auto serial = HostFs::try_read_line(device_dir / "serial");
    if (!model && !serial) continue;
    // SCSI pads model strings with spaces to their fixed width.
    out.add(kInfo,
            {d.device, std::to_string(d.major), std::to_string(d.minor), text::trim(model.value_or("")),
             text::trim(serial.value_or(""))},
            1);
  }
}

}  // namespace ainode
