// The kubelet's /pods parsed on strings: a recorded-shape PodList (a
// StatefulSet pod after an OOM kill, an evicted ReplicaSet pod, a Job pod
// being evicted through the Eviction API), an empty list as the kubelet
// writes it, and answers that are not a PodList.
#include "k8s/kubelet_pods_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "collector_test_support.hpp"
#include "core/text.hpp"

using namespace ainode;

namespace {
std::string fixture() {
  std::ifstream file(ainode::testing::fixture_path("kubelet/pods.json"));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}
}  // namespace

TEST(KubeletPods, RecordedShapePodList) {
  auto pods = parse_kubelet_pods(fixture());
  ASSERT_EQ(pods.size(), 4u) << "the item without a uid is left out";

  const PodStatus& trainer = pods[0];
  EXPECT_EQ(trainer.uid, "3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f");
  EXPECT_EQ(trainer.namespace_name, "ml-team");
  EXPECT_EQ(trainer.name, "trainer-0");
  EXPECT_EQ(trainer.node_name, "gpu-node-01");
  EXPECT_EQ(trainer.phase, "Running");
  EXPECT_EQ(trainer.reason, "");
  EXPECT_FALSE(trainer.deleting);
  ASSERT_TRUE(trainer.owner);
  EXPECT_EQ(*trainer.owner, (OwnerReference{"StatefulSet", "trainer"}));
  ASSERT_EQ(trainer.containers.size(), 2u);
  const ContainerStatus& pytorch = trainer.containers[1];
  EXPECT_EQ(pytorch.name, "pytorch");
  EXPECT_EQ(pytorch.restart_count, 3);
  EXPECT_TRUE(pytorch.running);
  EXPECT_FALSE(pytorch.terminated);
  ASSERT_TRUE(pytorch.last_terminated);
  EXPECT_EQ(pytorch.last_terminated->reason, "OOMKilled");
  EXPECT_EQ(pytorch.last_terminated->exit_code, 137);
  EXPECT_EQ(pytorch.last_terminated->container_id, "containerd://7b52009b64fd0a2a49e6d8a939753077");
  EXPECT_EQ(pytorch.last_terminated->finished_at, "2026-12-01T21:40:12Z");
  EXPECT_FALSE(trainer.containers[0].last_terminated) << "lastState {} is no termination";

  const PodStatus& evicted = pods[1];
  EXPECT_EQ(evicted.phase, "Failed");
  EXPECT_EQ(evicted.reason, "Evicted");
  EXPECT_NE(evicted.message.find("ephemeral-storage"), std::string::npos);
  EXPECT_EQ(evicted.disruption_reason, "TerminationByKubelet");
  EXPECT_EQ(*evicted.owner, (OwnerReference{"ReplicaSet", "inference-6c9f7d8b5"}));
  ASSERT_EQ(evicted.containers.size(), 1u);
  ASSERT_TRUE(evicted.containers[0].terminated);
  EXPECT_EQ(evicted.containers[0].terminated->reason, "Error");

  const PodStatus& job = pods[2];
  EXPECT_TRUE(job.deleting);
  EXPECT_EQ(job.disruption_reason, "EvictionByEvictionAPI");
  EXPECT_EQ(job.containers[0].waiting_reason, "CrashLoopBackOff");
  EXPECT_FALSE(job.containers[0].running);
  EXPECT_EQ(job.containers[0].last_terminated->exit_code, 1);

  EXPECT_FALSE(pods[3].owner) << "a static pod has no owner reference here";
  EXPECT_TRUE(pods[3].containers.empty());
}

TEST(KubeletPods, ControllerReferenceWinsOverTheFirst) {
  auto pods = parse_kubelet_pods(R"({"kind":"PodList","items":[{"metadata":{"uid":"u","name":"p","ownerReferences":[
    {"kind":"Node","name":"n1"},{"kind":"ReplicaSet","name":"rs","controller":true}]}}]})");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(*pods[0].owner, (OwnerReference{"ReplicaSet", "rs"}));
  auto first = parse_kubelet_pods(R"({"items":[{"metadata":{"uid":"u","name":"p","ownerReferences":[
    {"kind":"","name":"x"},{"kind":"Node","name":"n1"}]}}]})");
  EXPECT_EQ(*first[0].owner, (OwnerReference{"Node", "n1"})) << "incomplete references are skipped";
}

TEST(KubeletPods, EmptyListsAsTheKubeletWritesThem) {
  EXPECT_TRUE(parse_kubelet_pods(R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":null})").empty());
  EXPECT_TRUE(parse_kubelet_pods(R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]})").empty());
  EXPECT_TRUE(parse_kubelet_pods(R"({"kind":"PodList"})").empty());
}

TEST(KubeletPods, WrongTypesReadAsAbsent) {
  auto pods = parse_kubelet_pods(R"({"items":[7, "x", {"metadata":{"uid":"u","name":"p"},"status":{"phase":3,
    "containerStatuses":[{"name":"c","restartCount":"many","state":{"terminated":"yes"},"lastState":{"terminated":{"exitCode":1.5}}},
    {"restartCount":2}]}}]})");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].phase, "");
  ASSERT_EQ(pods[0].containers.size(), 1u) << "a container status without a name is left out";
  EXPECT_EQ(pods[0].containers[0].restart_count, 0);
  EXPECT_FALSE(pods[0].containers[0].terminated);
  ASSERT_TRUE(pods[0].containers[0].last_terminated);
  EXPECT_FALSE(pods[0].containers[0].last_terminated->exit_code) << "a non-integer exit code is absent";
}

TEST(KubeletPods, NotAPodListIsAnError) {
  EXPECT_THROW(parse_kubelet_pods("<html>403 Forbidden</html>"), ParseError);
  EXPECT_THROW(parse_kubelet_pods(""), ParseError);
  EXPECT_THROW(parse_kubelet_pods("[]"), ParseError);
  EXPECT_THROW(parse_kubelet_pods("{}"), ParseError) << "no items: not read as an empty node";
  EXPECT_THROW(parse_kubelet_pods(R"({"items":null})"), ParseError);
  EXPECT_THROW(parse_kubelet_pods(R"({"kind":"Status","status":"Failure","message":"forbidden","items":[]})"),
               ParseError);
  EXPECT_THROW(parse_kubelet_pods(R"({"kind":"PodList","items":{"a":1}})"), ParseError);
  EXPECT_THROW(parse_kubelet_pods(R"({"kind":"PodList","items":[)"), ParseError);
}

TEST(KubeletPods, TerminationIdentity) {
  ContainerTermination a;
  a.container_id = "containerd://1";
  a.finished_at = "2026-12-01T00:00:00Z";
  ContainerTermination b = a;
  b.container_id = "containerd://2";
  EXPECT_NE(a.identity(), b.identity());
  ContainerTermination bare;
  bare.reason = "ContainerStatusUnknown";
  bare.exit_code = 137;
  EXPECT_EQ(bare.identity(), "ContainerStatusUnknown|137");
}

// Model-server discovery reads the pod IP and the ainode.io/ annotations.
TEST(KubeletPods, PodIpAndOnlyAinodeAnnotationsAreKept) {
  std::ifstream file(ainode::testing::fixture_path("kubelet/pods_model_servers.json"));
  std::stringstream text;
  text << file.rdbuf();
  auto pods = parse_kubelet_pods(text.str());
  ASSERT_EQ(pods.size(), 8u);
  EXPECT_EQ(pods[0].pod_ip, "10.244.3.21");
  EXPECT_EQ(pods[0].annotations, (std::map<std::string, std::string>{{"ainode.io/metrics-port", "8000"}}))
      << "kubernetes.io/ and kubectl annotations are not kept";
  EXPECT_EQ(pods[1].annotations.at("ainode.io/metrics-scheme"), "https");
  EXPECT_EQ(pods[3].pod_ip, "") << "a Pending pod has no IP yet";
  EXPECT_EQ(pods[4].pod_ip, "fd00:10:244::5");
  EXPECT_EQ(pods[5].annotations, (std::map<std::string, std::string>{{"ainode.io/metrics-scheme", "grpc"}}))
      << "a number where the API says string reads as absent";
  EXPECT_TRUE(pods[7].annotations.empty()) << "annotations: null";
  // The recorded PodList: the trainer's IP, no ainode.io annotation.
  auto recorded = parse_kubelet_pods(fixture());
  EXPECT_EQ(recorded[0].pod_ip, "10.244.3.17");
  EXPECT_TRUE(recorded[0].annotations.empty());
}

TEST(KubeletPods, AnnotationsOfOtherTypesReadAsAbsent) {
  auto pods = parse_kubelet_pods(R"({"kind":"PodList","items":[
    {"metadata":{"uid":"a","name":"p","annotations":["ainode.io/metrics-port"]},"status":{"podIP":7}},
    {"metadata":{"uid":"b","name":"q","annotations":{"ainode.io/metrics-port":{"port":1}}},"status":"Running"}]})");
  ASSERT_EQ(pods.size(), 2u);
  EXPECT_TRUE(pods[0].annotations.empty());
  EXPECT_EQ(pods[0].pod_ip, "");
  EXPECT_TRUE(pods[1].annotations.empty());
}
