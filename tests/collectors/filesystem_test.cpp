#include <gtest/gtest.h>

#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/filesystem/filesystem_collector.hpp"
#include "collectors/filesystem/mounts_parser.hpp"
#include "collectors/filesystem/timed_statfs.hpp"
#include "core/text.hpp"
#include "temp_tree.hpp"

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
  EXPECT_EQ(mounts[0].device, "/dev/sda1");
  EXPECT_EQ(mounts[0].fs_type, "ext4");
  EXPECT_FALSE(mounts[0].read_only);
  EXPECT_EQ(mounts[1].mount_point, "/mnt/my disk");
  EXPECT_TRUE(mounts[1].read_only);
  EXPECT_EQ(mounts[2].device, "tmpfs2");  // the top-most mount wins
  EXPECT_TRUE(mounts[2].read_only);
}

TEST(MountsParser, EveryEscapeTheKernelWrites) {
  // show_mountinfo escapes space, tab, newline and backslash.
  auto mounts = parse_mounts("/dev/x\\134y /a\\011b\\012c\\134d ext4 rw 0 0\n");
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].device, "/dev/x\\y");
  EXPECT_EQ(mounts[0].mount_point, "/a\tb\nc\\d");
}

TEST(MountsParser, OptionMatchIsExact) {
  // "ro" must be a whole option, not a prefix of another one.
  auto mounts = parse_mounts("/dev/x / ext4 rw,rootcontext=a,errors=remount-ro 0 0\n");
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_FALSE(mounts[0].read_only);
}

TEST(MountsParser, EmptyTruncatedAndGarbage) {
  EXPECT_TRUE(parse_mounts("").empty());
  EXPECT_TRUE(parse_mounts("\n   \n").empty());
  EXPECT_THROW(parse_mounts("/dev/sda1 / ext4\n"), ParseError);
  EXPECT_THROW(parse_mounts("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /x"), ParseError);
  EXPECT_THROW(parse_mounts("\x01\x02\x03\n"), ParseError);
}

namespace {

bool wait_until(const std::function<bool()>& condition) {
  for (int i = 0; i < 5000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

// statvfs stand-in: fixed numbers; paths ending in a "gated" suffix block
// until that gate is opened; /boot/efi fails; /run says ST_RDONLY. Counts
// calls and returns per path. Its destructor opens every gate and waits for
// every call to return, so no helper thread outlives it.
class FakeStatfs {
 public:
  ~FakeStatfs() {
    std::unique_lock lock(mutex_);
    for (auto& [suffix, open] : gates_) open = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return in_flight_ == 0; });
  }

  void gate(const std::string& suffix) {
    std::lock_guard lock(mutex_);
    gates_[suffix] = false;
  }
  void open(const std::string& suffix) {
    std::lock_guard lock(mutex_);
    gates_[suffix] = true;
    changed_.notify_all();
  }
  int calls(const std::string& suffix) { return count(calls_, suffix); }
  int returns(const std::string& suffix) { return count(returns_, suffix); }
  std::set<std::string> paths() {
    std::lock_guard lock(mutex_);
    std::set<std::string> out;
    for (const auto& [path, n] : calls_) out.insert(path);
    return out;
  }

  TimedStatfs::Function function() {
    return [this](const std::string& path, struct statvfs* out) {
      std::unique_lock lock(mutex_);
      ++calls_[path];
      ++in_flight_;
      for (const auto& [suffix, open] : gates_) {
        if (path.ends_with(suffix)) changed_.wait(lock, [&, s = suffix] { return gates_[s]; });
      }
      ++returns_[path];
      --in_flight_;
      changed_.notify_all();
      if (path.ends_with("/boot/efi")) return EACCES;
      *out = {};
      out->f_frsize = 4096;
      out->f_blocks = 1000;
      out->f_bfree = 600;
      out->f_bavail = 500;
      out->f_files = 100;
      out->f_ffree = 40;
      if (path.ends_with("/run")) out->f_flag = ST_RDONLY;
      return 0;
    };
  }

 private:
  int count(const std::map<std::string, int>& counts, const std::string& suffix) {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [path, c] : counts) n += path.ends_with(suffix) ? c : 0;
    return n;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, bool> gates_;  // suffix -> open
  std::map<std::string, int> calls_, returns_;
  int in_flight_ = 0;
};

FilesystemConfig config_with_timeout(std::chrono::milliseconds timeout) {
  FilesystemConfig config;
  config.statfs_timeout = timeout;
  return config;
}

// Nothing hangs in these tests, so a long timeout costs nothing and cannot
// trip on a loaded machine.
FilesystemConfig patient_config() { return config_with_timeout(10s); }
// Each hang costs one timeout: tens of milliseconds keep the tests fast,
// and the fake answers every other path at once.
FilesystemConfig fast_config() { return config_with_timeout(80ms); }

std::vector<std::string> mountpoints(const Collected& out) {
  std::vector<std::string> result;
  const Family* family = out.metrics.find("ainode_filesystem_device_error");
  if (family == nullptr) return result;
  for (const auto& sample : family->samples) result.emplace_back(sample.label_values[1]);
  return result;
}

bool warned(const Collected& out, std::string_view a, std::string_view b) {
  for (const auto& w : out.warnings) {
    if (w.find(a) != std::string::npos && w.find(b) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST(FilesystemCollector, FixtureWithInjectedStatfs) {
  FakeStatfs fake;
  FilesystemCollector collector(patient_config(), fake.function());
  auto out = collect_once(collector);
  // proc and sysfs are excluded by type (and mount point), the overlay by
  // type; sorted by mount point.
  EXPECT_EQ(mountpoints(out), (std::vector<std::string>{"/", "/boot/efi", "/data", "/mnt/scratch disk", "/run"}));
  EXPECT_EQ(out.value("ainode_filesystem_size_bytes", {{"device", "/dev/nvme0n1p2"}, {"mountpoint", "/"}, {"fstype", "ext4"}}),
            4096000.0);
  EXPECT_EQ(out.value("ainode_filesystem_free_bytes", {{"mountpoint", "/"}}), 600 * 4096.0);
  EXPECT_EQ(out.value("ainode_filesystem_avail_bytes", {{"mountpoint", "/mnt/scratch disk"}}), 500 * 4096.0);
  EXPECT_EQ(out.value("ainode_filesystem_files", {{"mountpoint", "/"}}), 100.0);
  EXPECT_EQ(out.value("ainode_filesystem_files_free", {{"mountpoint", "/data"}}), 40.0);
  // /data is mounted twice; the kernel lists the top-most (NFS) last.
  EXPECT_EQ(out.value("ainode_filesystem_device_error",
                      {{"device", "nfs.example:/export"}, {"mountpoint", "/data"}, {"fstype", "nfs4"}}),
            0.0);
  EXPECT_FALSE(out.value("ainode_filesystem_device_error", {{"device", "/dev/sdb1"}}));
  // statvfs ran on the mount points under --path.rootfs, escape undone.
  auto paths = fake.paths();
  EXPECT_TRUE(paths.count(fixture_path("rootfs") + "/mnt/scratch disk")) << *paths.begin();
  EXPECT_EQ(paths.size(), 5u);

  EXPECT_EQ(out.value("ainode_filesystem_readonly", {{"mountpoint", "/"}}), 0.0);
  EXPECT_EQ(out.value("ainode_filesystem_readonly", {{"mountpoint", "/run"}}), 1.0) << "ST_RDONLY from statvfs";
  // /boot/efi is mounted ro and its statfs fails: flagged, no sizes, but
  // read-only is still known from the mount options.
  EXPECT_EQ(out.value("ainode_filesystem_readonly", {{"mountpoint", "/boot/efi"}}), 1.0);
  EXPECT_EQ(out.value("ainode_filesystem_device_error", {{"mountpoint", "/boot/efi"}}), 1.0);
  EXPECT_FALSE(out.value("ainode_filesystem_size_bytes", {{"mountpoint", "/boot/efi"}}));
  EXPECT_FALSE(out.value("ainode_filesystem_files", {{"mountpoint", "/boot/efi"}}));
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_TRUE(warned(out, "/boot/efi", std::strerror(EACCES)));
  ASSERT_TRUE(out.details);
  EXPECT_EQ((*out.details)["mounts"], 5);
  ASSERT_EQ((*out.details)["mount_errors"].size(), 1u);
  EXPECT_EQ((*out.details)["mount_errors"][0]["mountpoint"], "/boot/efi");
  EXPECT_EQ((*out.details)["hung_statfs_calls"], 0);
}

TEST(FilesystemCollector, ConfiguredExcludes) {
  FakeStatfs fake;
  FilesystemConfig config = patient_config();
  config.fs_types_exclude = "^(nfs4|vfat)$";
  config.mount_points_exclude = "^/run($|/)";
  FilesystemCollector collector(config, fake.function());
  auto out = collect_once(collector);
  // With the defaults replaced, proc, sysfs and the overlay come back.
  EXPECT_EQ(mountpoints(out), (std::vector<std::string>{"/", "/mnt/scratch disk", "/proc", "/sys",
                                                       "/var/lib/docker/overlay2/abc/merged"}));
}

TEST(FilesystemCollector, EmptyExcludesKeepEverything) {
  FakeStatfs fake;
  FilesystemConfig config = patient_config();
  config.fs_types_exclude = "";
  config.mount_points_exclude = "";
  FilesystemCollector collector(config, fake.function());
  EXPECT_EQ(mountpoints(collect_once(collector)).size(), 8u);
}

TEST(FilesystemCollector, InvalidRegexFailsEachCycleNotTheConstructor) {
  FakeStatfs fake;
  FilesystemConfig config = patient_config();
  config.fs_types_exclude = "^(nfs";
  std::unique_ptr<FilesystemCollector> collector;
  ASSERT_NO_THROW(collector = std::make_unique<FilesystemCollector>(config, fake.function()));
  try {
    collect_once(*collector);
    FAIL() << "collect accepted an invalid exclude pattern";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("filesystem.fs_types_exclude"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fake.paths().empty());
}

TEST(FilesystemCollector, FallsBackToSelfMountsAndNeedsOneOfThem) {
  TempTree tree;
  tree.mkdir("rootfs/srv");
  FakeStatfs fake;
  FilesystemCollector collector(patient_config(), fake.function());
  EXPECT_THROW(collect_once(collector, tree.fs()), IoError);

  tree.write("proc/self/mounts", "/dev/vdb /srv ext4 rw 0 0\n");
  auto out = collect_once(collector, tree.fs());
  EXPECT_EQ(mountpoints(out), (std::vector<std::string>{"/srv"}));
  EXPECT_EQ(out.value("ainode_filesystem_size_bytes", {{"device", "/dev/vdb"}}), 4096000.0);
}

TEST(FilesystemCollector, CorruptMountTableFailsTheCycle) {
  TempTree tree;
  tree.write("proc/1/mounts", "/dev/vdb /srv\n");
  FakeStatfs fake;
  FilesystemCollector collector(patient_config(), fake.function());
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
}

TEST(FilesystemCollector, HungMountIsFlaggedNotRetriedWhileStuckAndRecovers) {
  FakeStatfs fake;
  fake.gate("/data");
  FilesystemCollector collector(fast_config(), fake.function());

  auto first = collect_once(collector);
  EXPECT_EQ(first.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 1.0);
  EXPECT_FALSE(first.value("ainode_filesystem_size_bytes", {{"mountpoint", "/data"}}));
  EXPECT_EQ(first.value("ainode_filesystem_readonly", {{"mountpoint", "/data"}}), 0.0);
  EXPECT_TRUE(warned(first, "/data", "no answer within 80 ms"));
  // Every mount after the hung one (in sorted order) was still measured.
  EXPECT_EQ(first.value("ainode_filesystem_size_bytes", {{"mountpoint", "/mnt/scratch disk"}}), 4096000.0);
  EXPECT_EQ(first.value("ainode_filesystem_size_bytes", {{"mountpoint", "/run"}}), 4096000.0);
  EXPECT_EQ(first.value("ainode_filesystem_device_error", {{"mountpoint", "/"}}), 0.0);
  EXPECT_EQ((*first.details)["hung_statfs_calls"], 1);

  // While the call is stuck the mount is not tried again: no second thread
  // piles up behind the first, however many cycles pass.
  for (int cycle = 0; cycle < 5; ++cycle) {
    auto again = collect_once(collector);
    EXPECT_EQ(again.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 1.0);
    EXPECT_TRUE(warned(again, "/data", "still hung"));
    EXPECT_EQ(again.value("ainode_filesystem_device_error", {{"mountpoint", "/"}}), 0.0);
  }
  EXPECT_EQ(fake.calls("/data"), 1);
  EXPECT_EQ(fake.returns("/data"), 0);
  EXPECT_EQ(fake.calls("/mnt/scratch disk"), 6);

  // The server comes back: the stuck call returns, and a following cycle
  // measures the mount again, with a single new call.
  fake.open("/data");
  ASSERT_TRUE(wait_until([&] { return fake.returns("/data") == 1; }));
  std::optional<Collected> recovered;
  ASSERT_TRUE(wait_until([&] {
    recovered = collect_once(collector);
    return recovered->value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}) == 0.0;
  }));
  EXPECT_EQ(recovered->value("ainode_filesystem_size_bytes", {{"mountpoint", "/data"}}), 4096000.0);
  EXPECT_EQ(fake.calls("/data"), 2);
  EXPECT_EQ((*recovered->details)["hung_statfs_calls"], 0);
}

TEST(FilesystemCollector, TwoHungMountsEachHoldOneThread) {
  FakeStatfs fake;
  fake.gate("/data");
  fake.gate("/mnt/scratch disk");
  FilesystemCollector collector(fast_config(), fake.function());
  for (int cycle = 0; cycle < 3; ++cycle) {
    auto out = collect_once(collector);
    EXPECT_EQ(out.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}), 1.0);
    EXPECT_EQ(out.value("ainode_filesystem_device_error", {{"mountpoint", "/mnt/scratch disk"}}), 1.0);
    EXPECT_EQ(out.value("ainode_filesystem_size_bytes", {{"mountpoint", "/run"}}), 4096000.0);
    EXPECT_EQ((*out.details)["hung_statfs_calls"], 2);
  }
  EXPECT_EQ(fake.calls("/data"), 1);
  EXPECT_EQ(fake.calls("/mnt/scratch disk"), 1);

  // One recovers, the other stays stuck.
  fake.open("/data");
  ASSERT_TRUE(wait_until([&] {
    auto out = collect_once(collector);
    return out.value("ainode_filesystem_device_error", {{"mountpoint", "/data"}}) == 0.0;
  }));
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_filesystem_device_error", {{"mountpoint", "/mnt/scratch disk"}}), 1.0);
  EXPECT_EQ((*out.details)["hung_statfs_calls"], 1);
  EXPECT_EQ(fake.calls("/mnt/scratch disk"), 1);
}

TEST(TimedStatfs, AtMostOneStuckCallPerPath) {
  FakeStatfs fake;
  fake.gate("/stuck");
  TimedStatfs statfs(fake.function(), 50ms);
  EXPECT_EQ(statfs.stat("/a").status, TimedStatfs::Status::ok);
  EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::timed_out);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::still_hung);
  EXPECT_EQ(statfs.hung_count(), 1u);
  EXPECT_EQ(statfs.stat("/b").status, TimedStatfs::Status::ok);  // served by a fresh worker
  EXPECT_EQ(fake.calls("/stuck"), 1);
  fake.open("/stuck");
  ASSERT_TRUE(wait_until([&] { return statfs.hung_count() == 0; }));
  // Retried as soon as the stuck call has returned.
  EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::ok);
  EXPECT_EQ(fake.calls("/stuck"), 2);
}

TEST(TimedStatfs, ReportsTheErrno) {
  FakeStatfs fake;
  TimedStatfs statfs(fake.function(), 10s);
  auto outcome = statfs.stat("/boot/efi");
  EXPECT_EQ(outcome.status, TimedStatfs::Status::failed);
  EXPECT_EQ(outcome.error_number, EACCES);
}

TEST(TimedStatfs, DestroyedWhileACallIsStuck) {
  FakeStatfs fake;
  fake.gate("/stuck");
  {
    TimedStatfs statfs(fake.function(), 20ms);
    EXPECT_EQ(statfs.stat("/stuck").status, TimedStatfs::Status::timed_out);
  }
  // The abandoned thread outlives its owner and finishes cleanly when the
  // call returns (ASan/TSan builds would flag a use after free here).
  fake.open("/stuck");
  EXPECT_TRUE(wait_until([&] { return fake.returns("/stuck") == 1; }));
}

TEST(TimedStatfs, RealStatvfsOnAnExistingAndAMissingPath) {
  TimedStatfs statfs(TimedStatfs::system_statvfs(), 10s);
  auto ok = statfs.stat(fixture_path("rootfs"));
  ASSERT_EQ(ok.status, TimedStatfs::Status::ok);
  EXPECT_GT(ok.stats.f_blocks, 0u);
  auto missing = statfs.stat(fixture_path("rootfs/no/such/dir"));
  EXPECT_EQ(missing.status, TimedStatfs::Status::failed);
  EXPECT_EQ(missing.error_number, ENOENT);
}
