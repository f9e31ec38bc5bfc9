#include "collectors/gpu/device_filter.hpp"

#include <gtest/gtest.h>

using namespace ainode;

TEST(DeviceFilter, NvidiaVisibleDevicesForms) {
  EXPECT_TRUE(DeviceFilter::parse("").matches(3, "GPU-x"));
  EXPECT_TRUE(DeviceFilter::parse("all").matches(3, "GPU-x"));
  EXPECT_FALSE(DeviceFilter::parse("none").matches(0, "GPU-x"));
  EXPECT_FALSE(DeviceFilter::parse("void").matches(0, "GPU-x"));
  auto some = DeviceFilter::parse(" 0, GPU-abc ,2");
  EXPECT_TRUE(some.matches(0, "GPU-zzz"));
  EXPECT_TRUE(some.matches(2, ""));
  EXPECT_TRUE(some.matches(5, "GPU-abc"));
  EXPECT_FALSE(some.matches(1, "GPU-def"));
  EXPECT_FALSE(some.matches(1, ""));
}
