#pragma once
#include "collectors/filesystem/timed_statfs.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "core/exclude_pattern.hpp"

namespace ainode {

// Mounted filesystems (procfs 1/mounts, else self/mounts) minus the
// excluded mount points and types, each measured with statvfs under
// `--path.rootfs` within filesystem.statfs_timeout. `statfs` is the call
// that measures one path: ::statvfs in the agent, a stand-in in tests. So the
// collector test checks fixed numbers, while the golden /metrics test runs
// the real call on the fixture directories (sizes of the build machine's
// disk) and masks those values.
class FilesystemCollector : public Collector {
 public:
  explicit FilesystemCollector(const FilesystemConfig& config,
                               TimedStatfs::Function statfs = TimedStatfs::system_statvfs());
  std::string_view name() const override { return "filesystem"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  ExcludePattern mount_points_exclude_;
  ExcludePattern fs_types_exclude_;
  TimedStatfs statfs_;
};

}  // namespace ainode
