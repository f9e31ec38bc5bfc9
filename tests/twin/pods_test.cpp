// The scenario's [[pods]] for the twin's kubelet, and eviction by cause.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "twin/pods.hpp"

using namespace ainode::twin;

TEST(TwinPods, LoadedFromTheScenarioAndEvictedForTheFaultsWindow) {
  auto path = std::filesystem::temp_directory_path() / ("ainode-twin-pods-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\ncount = 6\n[[gpus]]\nmodel = \"L40S\"\n"
                         "[[pods]]\nnamespace = \"ml\"\nname = \"trainer-0\"\nuid = \"u-1\"\ngpus = [0, 1]\n"
                         "[[pods]]\nname = \"web\"\nuid = \"u-2\"\n"
                         "[[fault]]\nkind = \"pod_eviction\"\npod = \"u-1\"\nfrom_seconds = 60\nto_seconds = 120\n";
  auto pods = load_pods(path.string());
  ASSERT_EQ(pods.size(), 2u);
  EXPECT_EQ(pods[0].namespace_name, "ml");
  EXPECT_EQ(pods[0].gpus, (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(pods[1].namespace_name, "default");
  EXPECT_EQ(pods[1].container, "main");
  EXPECT_EQ(load_gpu_count(path.string()), 7u);
  Causes causes = load_causes(path.string());
  EXPECT_TRUE(pod_present(causes, pods[0], 59));
  EXPECT_FALSE(pod_present(causes, pods[0], 60));
  EXPECT_TRUE(pod_present(causes, pods[0], 120)) << "rescheduled";
  EXPECT_TRUE(pod_present(causes, pods[1], 90)) << "another pod is untouched";
  std::ofstream(path) << "[[pods]]\nname = \"no-uid\"\n";
  EXPECT_THROW(load_pods(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}
