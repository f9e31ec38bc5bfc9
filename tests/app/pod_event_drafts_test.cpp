// Pod events as published: the GPUs a pod holds read back from the
// allocation info series, and the payload fields of docs/events.md.
#include "app/pod_event_drafts.hpp"

#include <gtest/gtest.h>

#include "collectors/gpu/gpu_allocation_metrics.hpp"

using namespace ainode;

namespace {
void held(MetricSet& out, const std::string& gpu, const std::string& uuid, const std::string& mig,
          const std::string& pod, const std::string& container) {
  out.add(gpu_allocation_info_descriptor(), {gpu, uuid, mig, "ml", pod, container, "nvidia.com/gpu", ""}, 1);
}
}  // namespace

TEST(PodEventDrafts, GpusByPodFromAllocationInfo) {
  MetricSet set;
  held(set, "2", "GPU-2", "", "trainer-0", "pytorch");
  held(set, "0", "GPU-0", "", "trainer-0", "pytorch");
  held(set, "0", "GPU-0", "", "trainer-0", "sidecar");  // a second container on the same GPU
  held(set, "1", "GPU-1", "MIG-a", "notebook", "jupyter");
  held(set, "1", "GPU-1", "MIG-b", "notebook", "jupyter");
  auto gpus = gpus_by_pod(set.families());
  ASSERT_EQ(gpus.size(), 2u);
  auto trainer = gpus[{"ml", "trainer-0"}], notebook = gpus[{"ml", "notebook"}];
  EXPECT_EQ(trainer, (std::vector<HeldGpu>{{0, "GPU-0"}, {2, "GPU-2"}})) << "each GPU once, by index";
  EXPECT_EQ(notebook, (std::vector<HeldGpu>{{1, "GPU-1"}})) << "MIG devices name their GPU";
  EXPECT_TRUE(gpus_by_pod({}).empty());
}

TEST(PodEventDrafts, OomKillPayload) {
  PodEvent event;
  event.type = kContainerOomKilled;
  event.namespace_name = "ml";
  event.pod = "trainer-0";
  event.uid = "uid-1";
  event.phase = "Running";
  event.owner = OwnerReference{"StatefulSet", "trainer"};
  event.container = "pytorch";
  event.reason = "OOMKilled";
  event.exit_code = 137;
  event.restart_count = 4;
  auto draft = pod_event_draft(event, {{3, "GPU-3"}});
  EXPECT_EQ(draft.type, "container_oom_killed");
  EXPECT_EQ(draft.severity, Severity::warning);
  EXPECT_EQ(draft.subject.namespace_name, "ml");
  EXPECT_EQ(draft.subject.pod, "trainer-0");
  EXPECT_EQ(draft.subject.container, "pytorch");
  EXPECT_EQ(draft.subject.gpu, 3u);
  EXPECT_EQ(draft.subject.uuid, "GPU-3");
  EXPECT_EQ(draft.payload, nlohmann::json::parse(R"({"namespace":"ml","pod":"trainer-0","uid":"uid-1","phase":"Running",
    "container":"pytorch","reason":"OOMKilled","exit_code":137,"restart_count":4,"gpus":["GPU-3"],
    "owner":{"kind":"StatefulSet","name":"trainer"}})"));
  EXPECT_EQ(draft.message, "ml/trainer-0: container pytorch was OOM-killed; restarts: 4");
}

TEST(PodEventDrafts, RescheduledAndUnknownFieldsAbsent) {
  PodEvent event;
  event.type = kPodRescheduled;
  event.namespace_name = "serving";
  event.pod = "vllm-b";
  event.uid = "uid-b";
  event.previous_pod = "vllm-a";
  event.previous_pod_uid = "uid-a";
  auto draft = pod_event_draft(event, {{0, "GPU-0"}, {1, "GPU-1"}});
  EXPECT_EQ(draft.severity, Severity::info);
  EXPECT_FALSE(draft.subject.gpu) << "two GPUs: the subject names none, the payload both";
  EXPECT_EQ(draft.payload, nlohmann::json::parse(R"({"namespace":"serving","pod":"vllm-b","uid":"uid-b",
    "gpus":["GPU-0","GPU-1"],"previous_pod":"vllm-a","previous_pod_uid":"uid-a"})"));
  EXPECT_EQ(draft.message, "serving/vllm-b rescheduled, replacing serving/vllm-a");
  event.type = kPodStarted;
  EXPECT_FALSE(pod_event_draft(event, {}).payload.contains("gpus")) << "no GPUs known: absent, not []";
}

TEST(PodEventDrafts, EvictionMessageSaysWhy) {
  PodEvent event;
  event.type = kPodEvicted;
  event.namespace_name = "serving";
  event.pod = "vllm-a";
  event.reason = "Evicted";
  event.message = "The node was low on resource: memory.";
  auto draft = pod_event_draft(event, {});
  EXPECT_EQ(draft.severity, Severity::warning);
  EXPECT_EQ(draft.message, "serving/vllm-a evicted (Evicted): The node was low on resource: memory.");
}
