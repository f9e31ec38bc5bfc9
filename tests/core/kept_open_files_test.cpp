// Kept-open files on the real /proc and /sys of the test machine: re-reads
// see fresh contents, vanished objects are reopened or reported missing,
// regular files and renameable sysfs directories are never kept.
#include "core/kept_open_files.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/host_fs.hpp"

namespace fs = std::filesystem;
using ainode::KeptOpenFiles;

namespace {

constexpr std::size_t kMax = 1 << 20;

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST(KeptOpenFiles, AProcfsFileIsKeptAndReadFreshEachTime) {
  KeptOpenFiles files;
  std::string first, second;
  ASSERT_EQ(files.read("/proc/uptime", first, kMax), 0);
  EXPECT_EQ(files.size(), 1u);
  std::size_t fds = open_fds();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_EQ(files.read("/proc/uptime", second, kMax), 0);
  EXPECT_EQ(open_fds(), fds);  // no new descriptor: the kept one was re-read
  EXPECT_NE(first, second);    // regenerated from offset 0, not the old text
  EXPECT_EQ(second.back(), '\n');
}

TEST(KeptOpenFiles, AFileLargerThanOneReadIsReadWhole) {
  KeptOpenFiles files;
  std::string kept;
  ASSERT_EQ(files.read("/proc/self/smaps", kept, kMax), 0);  // usually well over 8 KiB
  ASSERT_EQ(files.read("/proc/self/smaps", kept, kMax), 0);
  std::string plain = ainode::HostFs::read("/proc/self/smaps");  // this thread has not opted in: open/read/close
  EXPECT_GT(kept.size(), 8192u);
  // Same mappings, whatever their counters now say.
  EXPECT_EQ(std::count(kept.begin(), kept.end(), '\n') > 100, std::count(plain.begin(), plain.end(), '\n') > 100);
}

TEST(KeptOpenFiles, AnExitedProcessIsReportedMissingAndNotKept) {
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(child, 0);
  KeptOpenFiles files;
  std::string path = "/proc/" + std::to_string(child) + "/stat", text;
  ASSERT_EQ(files.read(path, text, kMax), 0);
  EXPECT_EQ(files.size(), 1u);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_NE(files.read(path, text, kMax), 0);  // ESRCH on the kept fd, then ENOENT afresh
  EXPECT_EQ(files.size(), 0u);
}

TEST(KeptOpenFiles, FilesNotReadInACycleAreClosedAtItsEnd) {
  KeptOpenFiles files;
  std::string text;
  std::size_t fds = open_fds();
  ASSERT_EQ(files.read("/proc/uptime", text, kMax), 0);
  ASSERT_EQ(files.read("/proc/loadavg", text, kMax), 0);
  files.end_cycle();
  EXPECT_EQ(files.size(), 2u);
  ASSERT_EQ(files.read("/proc/uptime", text, kMax), 0);
  files.end_cycle();  // /proc/loadavg was not read in this cycle
  EXPECT_EQ(files.size(), 1u);
  EXPECT_EQ(open_fds(), fds + 1);
  files.end_cycle();
  EXPECT_EQ(files.size(), 0u);
  EXPECT_EQ(open_fds(), fds);
}

TEST(KeptOpenFiles, ARegularFileIsNeverKeptSoAReplacementIsSeen) {
  fs::path dir = fs::temp_directory_path() / ("ainode-kept-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "value";
  std::ofstream(file) << "1\n";
  KeptOpenFiles files;
  std::string text;
  ASSERT_EQ(files.read(file, text, kMax), 0);
  EXPECT_EQ(text, "1\n");
  EXPECT_EQ(files.size(), 0u);
  std::ofstream(dir / "next") << "2\n";
  fs::rename(dir / "next", file);  // how fixtures and atomic writers replace a file
  ASSERT_EQ(files.read(file, text, kMax), 0);
  EXPECT_EQ(text, "2\n");
  fs::remove_all(dir);
}

TEST(KeptOpenFiles, MissingFilesReportTheirError) {
  KeptOpenFiles files;
  std::string text;
  EXPECT_EQ(files.read("/proc/ainode-no-such-file", text, kMax), ENOENT);
  EXPECT_EQ(files.size(), 0u);
}

TEST(KeptOpenFiles, RenameableSysfsDirectoriesAreNotKept) {
  EXPECT_FALSE(ainode::keepable_sysfs_path("/sys/class/net/eth0/mtu"));
  EXPECT_FALSE(ainode::keepable_sysfs_path("/sys/devices/pci0000:00/0000:00:03.0/net/eth0/statistics/rx_bytes"));
  EXPECT_FALSE(ainode::keepable_sysfs_path("/sys/class/infiniband/mlx5_0/ports/1/state"));
  EXPECT_TRUE(ainode::keepable_sysfs_path("/sys/class/powercap/intel-rapl:0/energy_uj"));
  EXPECT_TRUE(ainode::keepable_sysfs_path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"));
  if (fs::exists("/sys/class/net/lo/mtu")) {
    KeptOpenFiles files;
    std::string text;
    ASSERT_EQ(files.read("/sys/class/net/lo/mtu", text, kMax), 0);
    EXPECT_EQ(files.size(), 0u);
  }
}

TEST(KeptOpenFiles, ASysfsAttributeIsKeptAndReadAgain) {
  const char* path = "/sys/devices/system/cpu/online";
  if (!fs::exists(path)) GTEST_SKIP() << "no " << path;
  KeptOpenFiles files;
  std::string first, second;
  ASSERT_EQ(files.read(path, first, kMax), 0);
  EXPECT_EQ(files.size(), 1u);
  ASSERT_EQ(files.read(path, second, kMax), 0);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first, ainode::HostFs::read(path));
}

TEST(KeptOpenFiles, OnlyThreadsThatOptInKeepFiles) {
  EXPECT_EQ(KeptOpenFiles::for_this_thread(), nullptr);
  std::thread([] {
    KeptOpenFiles::enable_for_this_thread();
    ASSERT_NE(KeptOpenFiles::for_this_thread(), nullptr);
    ainode::HostFs::read("/proc/uptime");
    EXPECT_EQ(KeptOpenFiles::for_this_thread()->size(), 1u);
    KeptOpenFiles::end_cycle_for_this_thread();
    KeptOpenFiles::end_cycle_for_this_thread();
    EXPECT_EQ(KeptOpenFiles::for_this_thread()->size(), 0u);
  }).join();
  EXPECT_GT(KeptOpenFiles::budget(), 0u);
}

TEST(KeptOpenFiles, SingleRecordProcfsFilesAreKnownByName) {
  EXPECT_TRUE(ainode::single_record_procfs_path("/proc/1234/stat"));
  EXPECT_TRUE(ainode::single_record_procfs_path("/host/proc/1234/task/1240/status"));
  EXPECT_TRUE(ainode::single_record_procfs_path("/proc/1234/cgroup"));
  EXPECT_TRUE(ainode::single_record_procfs_path("/proc/stat"));
  EXPECT_TRUE(ainode::single_record_procfs_path("/proc/pressure/memory"));
  EXPECT_FALSE(ainode::single_record_procfs_path("/proc/vmstat"));
  EXPECT_FALSE(ainode::single_record_procfs_path("/proc/diskstats"));
  EXPECT_FALSE(ainode::single_record_procfs_path("/proc/net/dev"));
  EXPECT_FALSE(ainode::single_record_procfs_path("/proc/self/smaps"));
}

// Kept single-record and multi-record files read the same text as a fresh
// open/read/close (the fields that do not move between two reads).
TEST(KeptOpenFiles, KeptReadsMatchFreshReads) {
  KeptOpenFiles files;
  for (const char* path : {"/proc/self/status", "/proc/self/cgroup", "/proc/meminfo", "/proc/vmstat", "/proc/diskstats"}) {
    if (!fs::exists(path)) continue;
    std::string kept;
    ASSERT_EQ(files.read(path, kept, kMax), 0) << path;
    ASSERT_EQ(files.read(path, kept, kMax), 0) << path;  // the second read is the kept one
    std::string fresh = ainode::HostFs::read(path);
    auto first_words = [](const std::string& text) {
      std::string out;
      std::size_t at = 0;
      while (at < text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        out += text.substr(at, std::min(text.find_first_of(" \t:", at), end) - at) + "\n";
        at = end + 1;
      }
      return out;
    };
    EXPECT_EQ(first_words(kept), first_words(fresh)) << path;
    EXPECT_EQ(kept.back(), '\n') << path;
  }
}
