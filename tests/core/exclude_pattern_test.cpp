#include <gtest/gtest.h>

#include "core/exclude_pattern.hpp"

using namespace ainode;

TEST(ExcludePattern, SearchesAnywhereInTheName) {
  ExcludePattern pattern("network.device_exclude", "veth");
  EXPECT_TRUE(pattern.excludes("veth1a2b"));
  EXPECT_TRUE(pattern.excludes("my-veth"));
  EXPECT_FALSE(pattern.excludes("eth0"));
  ExcludePattern anchored("network.device_exclude", "^(veth.*|lo)$");
  EXPECT_TRUE(anchored.excludes("lo"));
  EXPECT_FALSE(anchored.excludes("lo2"));
  EXPECT_FALSE(anchored.excludes(""));
}

TEST(ExcludePattern, EmptyPatternExcludesNothing) {
  ExcludePattern pattern("disk.device_exclude", "");
  EXPECT_NO_THROW(pattern.require_valid());
  EXPECT_FALSE(pattern.excludes("sda"));
  EXPECT_FALSE(pattern.excludes(""));
}

TEST(ExcludePattern, InvalidPatternThrowsOnUseNamingTheSetting) {
  std::optional<ExcludePattern> pattern;
  ASSERT_NO_THROW(pattern.emplace("filesystem.fs_types_exclude", "^(nfs"));
  for (int attempt = 0; attempt < 2; ++attempt) {  // every cycle, not only the first
    try {
      pattern->excludes("nfs4");
      FAIL() << "invalid pattern used";
    } catch (const std::invalid_argument& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("filesystem.fs_types_exclude"), std::string::npos) << message;
      EXPECT_NE(message.find("^(nfs"), std::string::npos) << message;
    }
  }
  EXPECT_THROW(pattern->require_valid(), std::invalid_argument);
}
