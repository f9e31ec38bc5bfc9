#pragma once
// A throw-away proc/sys/rootfs tree for collector tests whose case (a file
// missing, a file corrupt) would not belong in the shared fixture tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/host_fs.hpp"

namespace ainode::testing {

class TempTree {
 public:
  // Unique per process and test, so test executables may run in parallel.
  TempTree() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("ainode-" + std::string(test->test_suite_name()) + "-" + test->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    for (const char* root : {"proc", "sys", "rootfs"}) std::filesystem::create_directories(dir_ / root);
  }
  ~TempTree() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  // `relative` starts with the root: "proc/net/dev", "sys/class/net/eth0/mtu".
  void write(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  void mkdir(const std::string& relative) const { std::filesystem::create_directories(dir_ / relative); }
  HostFs fs() const { return HostFs(dir_ / "proc", dir_ / "sys", dir_ / "rootfs"); }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace ainode::testing
