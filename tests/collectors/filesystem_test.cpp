#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>

#include "collector_test_support.hpp"
#include "collectors/filesystem/filesystem_collector.hpp"
#include "collectors/filesystem/mounts_parser.hpp"
#include "collectors/filesystem/timed_statfs.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;
using namespace std::chrono_literals;

TEST(MountsParser, EscapesReadOnlyAndOvermounts) {
  auto mounts = parse_mounts(
      "/dev/sda1 / ext4 rw,relatime 0 0\n"
      "/dev/sdb1 /mnt/my\\040disk xfs ro,noatime 0 0\n"
      "tmpfs /run tmpfs rw 0 0\n"
      "tmpfs2 /run tmpfs ro 0 0\n");
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[1].mount_point, "/mnt/my disk");
  EXPECT_TRUE(mounts[1].read_only);
  EXPECT_EQ(mounts[2].device, "tmpfs2");  // the top-most mount wins
  EXPECT_TRUE(mounts[2].read_only);
  EXPECT_TRUE(parse_mounts("").empty());
  EXPECT_THROW(parse_mounts("/dev/sda1 / ext4\n"), ParseError);
}

namespace {

// statvfs stand-in: fixed numbers, one path that blocks until released,
// one that fails, and a count of calls per path.
struct FakeStatfs {
  std::mutex mutex;
  std::map<std::string, int> calls;
  std::string hanging_suffix = "/data";
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();

  TimedStatfs::Function function() {
    return [this](const std::string& path, struct statvfs* out) {
      {
        std::lock_guard lock(mutex);
        ++calls[path];
      }
      if (path.ends_with(hanging_suffix)) released.wait();
      if (path.ends_with("/boot/efi")) return EACCES;
      *out = {};
      out->f_frsize = 4096;
      out->f_blocks = 1000;
      out->f_bfree = 600;
      out->f_bavail = 500;
      out->f_files = 100;
      out->f_ffree = 40;
      return 0;
    };
  }
  int calls_for(const std::string& suffix) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& [path, count] : calls) n += path.ends_with(suffix) ? count : 0;
    return n;
  }
};

FilesystemConfig fast_config() {
  FilesystemConfig config;
  config.statfs_timeout = 50ms;
  return config;
}

}  // namespace

TEST(FilesystemCollector, FixtureWithInjectedStatfs) {
  FakeStatfs fake;
  fake.hanging_suffix = "/never";
  FilesystemCollector collector(fast_config(), fake.function());
  auto out = collect_once(collector);
  // proc, sysfs and overlay are excluded by type, docker paths by mount point.
  EXPECT_EQ(out.count("ainode_filesystem_device_error"), 5u);
  EXPECT_EQ(out.value("ainode_filesystem_size_bytes", {{"mountpoint", "/"}, {"fstype", "ext4"}}), 4096000.0);
  EXPECT_EQ(out.value("ainode_filesystem_avail_bytes", {{"mountpoint", "/mnt/scratch disk"}}), 2048000.0);
  EXPECT_EQ(out.value("ainode_filesystem_files_free", {{"mountpoint", "/data"}}), 40.0);
  EXPECT_EQ(out.value("ainode_filesystem_readonly", {{"mountpoint", "/"}}), 0.0);
  // /boot/efi is mounted ro, and its statfs fails: flagged, no sizes.
  EXPECT_EQ(out.value("ainode_filesystem_device_error", {{"mountpoint", "/boot/efi"}}), 1.0);
  EXPECT_FALSE(out.value("ainode_filesystem_size_bytes", {{"mountpoint", "/boot/efi"}}));
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("/boot/efi"), std::string::npos);
}

TEST(FilesystemCollector, HungMountIsSkippedFlaggedNotRetriedAndRecovers) {
  FakeStatfs fake;
  FilesystemCollector collector(fast_config(), fake.function());
  auto first = collect_once(collector);
  EXPECT_EQ(first.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 1.0);
  EXPECT_FALSE(first.value("ainode_filesystem_size_bytes", {{"mountpoint", "/data"}}));
  // Every other mount was still measured after the hung one.
  EXPECT_EQ(first.value("ainode_filesystem_size_bytes", {{"mountpoint", "/"}}), 4096000.0);
  EXPECT_EQ(first.value("ainode_filesystem_device_error", {{"mountpoint", "/mnt/scratch disk"}}), 0.0);

  // While the call is stuck, the mount is not tried again (no pile-up).
  auto second = collect_once(collector);
  EXPECT_EQ(second.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 1.0);
  EXPECT_EQ(fake.calls_for("/data"), 1);
  bool said_still_hung = false;
  for (const auto& w : second.warnings) said_still_hung |= w.find("still hung") != std::string::npos;
  EXPECT_TRUE(said_still_hung);

  // The server comes back: the stuck call returns, and the next cycle measures again.
  fake.release.set_value();
  for (int i = 0; i < 100 && fake.calls_for("/data") < 2; ++i) {
    auto again = collect_once(collector);
    if (again.value("ainode_filesystem_size_bytes", {{"mountpoint", "/data"}})) break;
    std::this_thread::sleep_for(5ms);
  }
  auto recovered = collect_once(collector);
  EXPECT_EQ(recovered.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 0.0);
  EXPECT_EQ(recovered.value("ainode_filesystem_size_bytes", {{"mountpoint", "/data"}}), 4096000.0);
}

TEST(TimedStatfs, AtMostOneStuckThreadPerMount) {
  FakeStatfs fake;
  fake.hanging_suffix = "/stuck";
  TimedStatfs statfs(fake.function(), 20ms);
  EXPECT_EQ(statfs.stat("/a").status, TimedStatfs::Status::ok);
  EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::timed_out);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::still_hung);
  EXPECT_EQ(statfs.hung_count(), 1u);
  EXPECT_EQ(statfs.stat("/b").status, TimedStatfs::Status::ok);  // served by a fresh worker
  EXPECT_EQ(fake.calls_for("/stuck"), 1);
  fake.release.set_value();
  for (int i = 0; i < 200 && statfs.hung_count() > 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(statfs.hung_count(), 0u);
  EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::ok);
}
