#include "core/state_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ainode {
namespace {

std::filesystem::path scratch(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("ainode-statedir-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  return path;
}

TEST(StateDir, ConfiguredDirectoryIsCreatedAndUsed) {
  auto dir = scratch("configured") / "nested";
  auto state = resolve_state_dir(dir.string());
  EXPECT_EQ(state.path, dir.string());
  EXPECT_EQ(state.reason, "");
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  std::filesystem::remove_all(dir.parent_path());
}

TEST(StateDir, DefaultFallsBackToXdgStateHomeWhenTheSystemPathIsUnusable) {
  auto base = scratch("fallback");
  std::filesystem::create_directories(base);
  // A regular file where the system directory should be: unusable even for root.
  auto blocked = base / "file";
  { std::ofstream(blocked.string()) << "x"; }
  setenv("XDG_STATE_HOME", (base / "xdg").c_str(), 1);
  auto state = resolve_state_dir("", (blocked / "ainode").string());
  EXPECT_EQ(state.path, (base / "xdg" / "ainode").string());
  EXPECT_NE(state.reason.find("using"), std::string::npos);
  unsetenv("XDG_STATE_HOME");
  setenv("HOME", (base / "home").c_str(), 1);
  state = resolve_state_dir("", (blocked / "ainode").string());
  EXPECT_EQ(state.path, (base / "home" / ".local" / "state" / "ainode").string());
  std::filesystem::remove_all(base);
}

TEST(StateDir, ConfiguredButUnusableGivesNoDirectoryAndTheReason) {
  auto base = scratch("unusable");
  std::filesystem::create_directories(base);
  { std::ofstream((base / "file").string()) << "x"; }
  auto state = resolve_state_dir((base / "file" / "sub").string());
  EXPECT_EQ(state.path, "");
  EXPECT_NE(state.reason.find("file"), std::string::npos);
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace ainode
