#include "collectors/filesystem/filesystem_collector.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

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
const MetricDesc kReadonly{"ainode_filesystem_readonly", MetricType::gauge, "",
                           "1 if mounted read-only (mount option ro, or ST_RDONLY from statfs).", kLabels};
const MetricDesc kDeviceError{"ainode_filesystem_device_error", MetricType::gauge, "",
                              "1 if statfs failed or timed out (hung mount) this cycle, else 0.", kLabels};

struct Measured {
  MountEntry mount;
  std::optional<struct statvfs> stats;  // nullopt: failed, timed out, or skipped as still hung
  std::string error;
};

double bytes(fsblkcnt_t blocks, const struct statvfs& stats) {
  return static_cast<double>(blocks) * static_cast<double>(stats.f_frsize);
}
}  // namespace

FilesystemCollector::FilesystemCollector(const FilesystemConfig& config, TimedStatfs::Function statfs)
    : mount_points_exclude_("filesystem.mount_points_exclude", config.mount_points_exclude),
      fs_types_exclude_("filesystem.fs_types_exclude", config.fs_types_exclude),
      statfs_(std::move(statfs), config.statfs_timeout) {}

std::vector<const MetricDesc*> FilesystemCollector::describe() const {
  return {&kSize, &kFree, &kAvail, &kFiles, &kFilesFree, &kReadonly, &kDeviceError};
}

void FilesystemCollector::collect(CollectContext& context, MetricSet& out) {
  mount_points_exclude_.require_valid();
  fs_types_exclude_.require_valid();
  // PID 1's table is the host's when the agent runs in a container with the
  // host's /proc mounted; self/mounts is the fallback where pid 1 is hidden.
  auto text = HostFs::try_read(context.fs.proc("1/mounts"));
  if (!text) text = HostFs::read(context.fs.proc("self/mounts"));

  std::vector<Measured> measured;
  for (auto& mount : parse_mounts(*text)) {
    if (mount_points_exclude_.excludes(mount.mount_point) || fs_types_exclude_.excludes(mount.fs_type)) continue;
    measured.push_back(Measured{std::move(mount), std::nullopt, {}});
  }
  std::sort(measured.begin(), measured.end(),
            [](const Measured& a, const Measured& b) { return a.mount.mount_point < b.mount.mount_point; });

  const auto timeout_ms = std::to_string(statfs_.timeout().count());
  for (auto& m : measured) {
    auto outcome = statfs_.stat(context.fs.root(m.mount.mount_point).string());
    switch (outcome.status) {
      case TimedStatfs::Status::ok: m.stats = outcome.stats; break;
      case TimedStatfs::Status::failed: m.error = std::strerror(outcome.error_number); break;
      case TimedStatfs::Status::timed_out:
        m.error = "no answer within " + timeout_ms + " ms (hung mount?); not retried until that call returns";
        break;
      case TimedStatfs::Status::still_hung: m.error = "skipped: a call from an earlier cycle is still hung"; break;
    }
    if (!m.error.empty()) context.warn("statfs " + m.mount.mount_point + ": " + m.error);
  }

  auto sized = [&](const MetricDesc& desc, auto value) {
    for (const auto& m : measured) {
      if (m.stats) out.add(desc, {m.mount.device, m.mount.mount_point, m.mount.fs_type}, value(*m.stats));
    }
  };
  sized(kSize, [](const struct statvfs& s) { return bytes(s.f_blocks, s); });
  sized(kFree, [](const struct statvfs& s) { return bytes(s.f_bfree, s); });
  sized(kAvail, [](const struct statvfs& s) { return bytes(s.f_bavail, s); });
  sized(kFiles, [](const struct statvfs& s) { return static_cast<double>(s.f_files); });
  sized(kFilesFree, [](const struct statvfs& s) { return static_cast<double>(s.f_ffree); });
  // The mount table alone says whether a mount is read-only, so a hung or
  // failing mount still reports it: often the first question about one.
  for (const auto& m : measured) {
    bool read_only = m.mount.read_only || (m.stats && (m.stats->f_flag & ST_RDONLY) != 0);
    out.add(kReadonly, {m.mount.device, m.mount.mount_point, m.mount.fs_type}, read_only ? 1 : 0);
  }
  for (const auto& m : measured) {
    out.add(kDeviceError, {m.mount.device, m.mount.mount_point, m.mount.fs_type}, m.stats ? 0 : 1);
  }

  auto errors = nlohmann::json::array();
  for (const auto& m : measured) {
    if (m.error.empty()) continue;
    errors.push_back(
        {{"mountpoint", m.mount.mount_point}, {"device", m.mount.device}, {"fstype", m.mount.fs_type}, {"error", m.error}});
  }
  context.set_details(nlohmann::json{
      {"mounts", measured.size()}, {"mount_errors", std::move(errors)}, {"hung_statfs_calls", statfs_.hung_count()}});
}

}  // namespace ainode
