#include "policy/profile_directory.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "policy_test_support.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using ::testing::HasSubstr;

namespace {

std::string named(const std::string& name) {
  std::string yaml = ainode::testing::canonical("dry_run");
  return yaml.replace(yaml.find("max-250w-when-light"), 19, name);
}

TEST(ProfileDirectory, ReadsYamlFilesAsAConfigMapMountsThem) {
  ainode::testing::TempTree tree;
  auto dir = tree.path() / "policies";
  // A ConfigMap volume: files are links into a ..data directory.
  tree.write("policies/..2026_12_02/cap.yaml", named("cap"));
  tree.write("policies/..2026_12_02/night.yml", named("night"));
  std::filesystem::create_directory_symlink("..2026_12_02", dir / "..data");
  std::filesystem::create_symlink("..data/cap.yaml", dir / "cap.yaml");
  std::filesystem::create_symlink("..data/night.yml", dir / "night.yml");
  tree.write("policies/README.txt", "not a profile");
  tree.write("policies/.hidden.yaml", "garbage: [");
  ProfileDirectory profiles(dir.string());
  auto scan = profiles.scan(false, {});
  EXPECT_TRUE(scan.changed);
  ASSERT_EQ(profiles.profiles().size(), 2u);
  EXPECT_EQ(profiles.profiles()[0].name, "cap");
  EXPECT_EQ(profiles.profiles()[1].name, "night");
  EXPECT_FALSE(profiles.scan(false, {}).changed) << "nothing changed, nothing re-read";
  std::filesystem::remove(dir / "night.yml");
  EXPECT_TRUE(profiles.scan(false, {}).changed);
  EXPECT_EQ(profiles.profiles().size(), 1u);
}

TEST(ProfileDirectory, AMissingDirectoryIsNoProfilesAndDeviceLimitsRefuseAProfile) {
  ProfileDirectory none("/nonexistent/policies");
  auto scan = none.scan(false, {});
  EXPECT_TRUE(scan.directory_error.empty());
  EXPECT_TRUE(none.profiles().empty());

  ainode::testing::TempTree tree;
  tree.write("policies/cap.yaml", named("cap"));
  ProfileDirectory profiles((tree.path() / "policies").string());
  GpuPowerConstraints l40s;
  l40s.index = 0;
  l40s.min_watts = 100;
  l40s.max_watts = 200;  // 250 W is above this GPU's range
  scan = profiles.scan(true, {l40s});
  EXPECT_TRUE(profiles.profiles().empty());
  ASSERT_EQ(scan.new_errors.size(), 1u);
  EXPECT_THAT(format_profile_error(scan.new_errors[0]), HasSubstr("cap.yaml:"));
  EXPECT_THAT(scan.new_errors[0].message, HasSubstr("outside GPU 0's power limit range 100W-200W"));
  EXPECT_TRUE(profiles.scan(true, {l40s}).new_errors.empty()) << "an error is new once";
}

}  // namespace
