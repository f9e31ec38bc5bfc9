// Process -> pod: the kubelet's container log links parsed on strings, and
// the attributor on the fixture tree and on a tree changed between cycles.
#include <gtest/gtest.h>

#include <filesystem>

#include "collector_test_support.hpp"
#include "collectors/processes/processes_collector.hpp"
#include "k8s/container_log_name_parser.hpp"
#include "k8s/pod_attributor.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {
const std::string kId = "4c0a5f3b2e1d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
const std::string kUid = "3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f";
}  // namespace

TEST(ContainerLogName, NamesAndPodUidFromTheLink) {
  auto names = parse_container_log_name("trainer-0_ml-team_pytorch-" + kId + ".log",
                                        "/var/log/pods/ml-team_trainer-0_" + kUid + "/pytorch/0.log");
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(names->pod, "trainer-0");
  EXPECT_EQ(names->namespace_name, "ml-team");
  EXPECT_EQ(names->container, "pytorch");
  EXPECT_EQ(names->container_id, kId);
  EXPECT_EQ(names->pod_uid, kUid);
}

TEST(ContainerLogName, ContainerNamesWithDashes) {
  auto names = parse_container_log_name("web-7d9f-x2_default_nginx-sidecar-" + kId + ".log");
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(names->container, "nginx-sidecar");
  EXPECT_EQ(names->pod_uid, "") << "no link target given";
}

TEST(ContainerLogName, LinkToAnotherPodDirectoryGivesNoUid) {
  auto names = parse_container_log_name("a_b_c-" + kId + ".log", "/var/log/pods/other_pod_" + kUid + "/c/0.log");
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(names->pod_uid, "");
}

TEST(ContainerLogName, RejectsWhatIsNotAContainerLog) {
  for (const std::string& name : std::vector<std::string>{"", ".log", "a_b_c.log", "a_b_c-123.log", "a_b-" + kId + ".log", "a_b_c_d-" + kId + ".log",
                           "_b_c-" + kId + ".log", "a_b_c-" + kId + ".txt", "a_b_-" + kId + ".log"}) {
    EXPECT_FALSE(parse_container_log_name(name).has_value()) << name;
  }
}

TEST(PodAttributor, FixtureProcesses) {
  PodAttributor pods;
  auto fs = fixture_fs();
  pods.begin_cycle(fs, std::chrono::steady_clock::now());
  EXPECT_EQ(pods.containers_known(), 1u);
  PodRef trainer = pods.attribute(fs, 1234);
  EXPECT_EQ(trainer.namespace_name, "ml-team");
  EXPECT_EQ(trainer.pod, "trainer-0");
  EXPECT_EQ(trainer.container, "pytorch");
  EXPECT_EQ(trainer.pod_uid, kUid);
  PodRef unnamed = pods.attribute(fs, 2001);  // in a pod whose log link is missing
  EXPECT_EQ(unnamed.pod_uid, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");
  EXPECT_EQ(unnamed.pod, "");
  EXPECT_EQ(pods.attribute(fs, 1).pod_uid, "") << "systemd is in no pod";
  EXPECT_EQ(pods.attribute(fs, 99999).pod_uid, "") << "a process that is gone";
}

TEST(PodAttributor, ReusedPidIsReadAgainAndDirectoryRefreshes) {
  TempTree tree;
  const std::string pod_cgroup = "0::/kubepods/burstable/pod" + kUid + "/" + kId + "\n";
  tree.write("proc/77/cgroup", pod_cgroup);
  tree.mkdir("rootfs/var/log/containers");
  PodAttributor pods(std::chrono::seconds(10));
  auto now = std::chrono::steady_clock::now();
  pods.begin_cycle(tree.fs(), now);
  EXPECT_EQ(pods.attribute(tree.fs(), 77, 100).pod, "") << "no log link yet";
  // The kubelet creates the link; the directory is re-read when due.
  std::filesystem::create_symlink("/var/log/pods/ns_p_" + kUid + "/c/0.log",
                                  tree.path() / ("rootfs/var/log/containers/p_ns_c-" + kId + ".log"));
  pods.begin_cycle(tree.fs(), now + std::chrono::seconds(1));
  EXPECT_EQ(pods.attribute(tree.fs(), 77, 100).pod, "") << "not re-listed before refresh_every";
  pods.begin_cycle(tree.fs(), now + std::chrono::seconds(11));
  EXPECT_EQ(pods.attribute(tree.fs(), 77, 100).pod, "p");
  // Same pid, new process (other start time), now outside any pod.
  tree.write("proc/77/cgroup", "0::/system.slice/cron.service\n");
  EXPECT_EQ(pods.attribute(tree.fs(), 77, 100).pod, "p") << "same process: cached";
  EXPECT_EQ(pods.attribute(tree.fs(), 77, 200).pod, "") << "a reused pid is not the old pod";
}

TEST(ProcessesCollector, AttributionCanBeTurnedOff) {
  ProcessesCollector with(10, true), without(10, false);
  auto labelled = collect_once(with);
  auto plain = collect_once(without);
  EXPECT_EQ(labelled.value("ainode_process_cpu_seconds_total", {{"pid", "1234"}, {"pod", "trainer-0"}}), 5760);
  EXPECT_EQ(plain.value("ainode_process_cpu_seconds_total", {{"pid", "1234"}, {"pod", ""}}), 5760);
}
