#include "collectors/filesystem/filesystem_collector.hpp"

#include <cstring>

#include "collectors/filesystem/mounts_parser.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kLabels = {"device", "mountpoint", "fstype"};
const MetricDesc kSize{"ainode_filesystem_size_bytes", MetricType::gauge, "bytes", "Filesystem size.", kLabels};
const MetricDesc kFree{"ainode_filesystem_free_bytes", MetricType::gauge, "bytes",
                       "Free space, including blocks reserved for root.", kLabels};
const MetricDesc kAvail{"ainode_filesystem_avail_bytes", MetricType::gauge, "bytes",
                        "Space available to unprivileged users.", kLabels};
const MetricDesc kFiles{"ainode_filesystem_files", MetricType::gauge, "", "Inodes.", kLabels};
const MetricDesc kFilesFree{"ainode_filesystem_files_free", MetricType::gauge, "", "Free inodes.", kLabels};
const MetricDesc kReadonly{"ainode_filesystem_readonly", MetricType::gauge, "", "1 if mounted read-only.", kLabels};
const MetricDesc kDeviceError{"ainode_filesystem_device_error", MetricType::gauge, "",
                              "1 if statfs failed or timed out (hung mount) this cycle, else 0.", kLabels};
}  // namespace

FilesystemCollector::FilesystemCollector(const FilesystemConfig& config, TimedStatfs::Function statfs)
    : mount_points_exclude_(config.mount_points_exclude),
      fs_types_exclude_(config.fs_types_exclude),
      statfs_(std::move(statfs), config.statfs_timeout) {}

std::vector<const MetricDesc*> FilesystemCollector::describe() const {
  return {&kSize, &kFree, &kAvail, &kFiles, &kFilesFree, &kReadonly, &kDeviceError};
}

void FilesystemCollector::collect(CollectContext& context, MetricSet& out) {
  auto text = HostFs::try_read(context.fs.proc("1/mounts"));
  if (!text) text = HostFs::read(context.fs.proc("self/mounts"));
  struct Measured {
    MountEntry mount;
    std::optional<struct statvfs> stats;
  };
  std::vector<Measured> measured;
  for (auto& mount : parse_mounts(*text)) {
    if (std::regex_search(mount.mount_point, mount_points_exclude_) || std::regex_search(mount.fs_type, fs_types_exclude_)) {
      continue;
    }
    auto outcome = statfs_.stat(context.fs.root(mount.mount_point).string());
    Measured m{std::move(mount), std::nullopt};
    switch (outcome.status) {
      case TimedStatfs::Status::ok: m.stats = outcome.stats; break;
      case TimedStatfs::Status::failed:
        context.warn("statfs " + m.mount.mount_point + ": " + std::strerror(outcome.error_number));
        break;
      case TimedStatfs::Status::timed_out: context.warn("statfs " + m.mount.mount_point + ": timed out (hung mount?)"); break;
      case TimedStatfs::Status::still_hung: context.warn("statfs " + m.mount.mount_point + ": still hung, skipped"); break;
    }
    measured.push_back(std::move(m));
  }

  auto each = [&](const MetricDesc& desc, auto value) {
    for (const auto& m : measured) {
      if (!m.stats) continue;
      out.add(desc, {m.mount.device, m.mount.mount_point, m.mount.fs_type}, value(*m.stats, m.mount));
    }
  };
  auto blocks = [](fsblkcnt_t count, const struct statvfs& s) { return static_cast<double>(count) * static_cast<double>(s.f_frsize); };
  each(kSize, [&](const struct statvfs& s, const MountEntry&) { return blocks(s.f_blocks, s); });
  each(kFree, [&](const struct statvfs& s, const MountEntry&) { return blocks(s.f_bfree, s); });
  each(kAvail, [&](const struct statvfs& s, const MountEntry&) { return blocks(s.f_bavail, s); });
  each(kFiles, [](const struct statvfs& s, const MountEntry&) { return static_cast<double>(s.f_files); });
  each(kFilesFree, [](const struct statvfs& s, const MountEntry&) { return static_cast<double>(s.f_ffree); });
  each(kReadonly, [](const struct statvfs& s, const MountEntry& m) {
    return (m.read_only || (s.f_flag & ST_RDONLY) != 0) ? 1.0 : 0.0;
  });
  for (const auto& m : measured) {
    out.add(kDeviceError, {m.mount.device, m.mount.mount_point, m.mount.fs_type}, m.stats ? 0.0 : 1.0);
  }
}

}  // namespace ainode
