#include "config/path_roots.hpp"

#include <gtest/gtest.h>

using namespace ainode;

namespace {
std::vector<Setting> settings() { return make_settings({}); }
}  // namespace

TEST(PathRoots, ExistingDirectoriesPass) {
  auto loaded = load_config(settings(), "", {}, {{"path.procfs", AINODE_SOURCE_DIR "/tests/fixtures/proc"}});
  EXPECT_EQ(check_path_roots(settings(), loaded), std::nullopt);
}

TEST(PathRoots, MissingRootNamesTheFlagOrVariable) {
  auto by_flag = load_config(settings(), "", {}, {{"path.procfs", "/nonexistent/proc"}});
  auto error = check_path_roots(settings(), by_flag);
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, "flag --path.procfs: '/nonexistent/proc': does not exist");

  auto by_env = load_config(settings(), "", {{"AINODE_PATH_SYSFS", "/nonexistent/sys"}}, {});
  error = check_path_roots(settings(), by_env);
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, "environment variable AINODE_PATH_SYSFS (path.sysfs): '/nonexistent/sys': does not exist");
}

TEST(PathRoots, AFileIsNotARoot) {
  auto loaded = load_config(settings(), "", {}, {{"path.rootfs", AINODE_SOURCE_DIR "/README.md"}});
  auto error = check_path_roots(settings(), loaded);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("flag --path.rootfs: "), std::string::npos) << *error;
  EXPECT_NE(error->find("not a directory"), std::string::npos) << *error;
}
