#pragma once
#include <regex>

#include "collectors/filesystem/timed_statfs.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

// Mounted filesystems (procfs 1/mounts, else self/mounts) minus the
// excluded mount points and types, each measured with statvfs under
// `--path.rootfs` within filesystem.statfs_timeout.
class FilesystemCollector : public Collector {
 public:
  FilesystemCollector(const FilesystemConfig& config, TimedStatfs::Function statfs = TimedStatfs::system_statvfs());
  std::string_view name() const override { return "filesystem"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  std::regex mount_points_exclude_;
  std::regex fs_types_exclude_;
  TimedStatfs statfs_;
};

}  // namespace ainode
