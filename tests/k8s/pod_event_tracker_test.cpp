// Pod events from successive /pods answers: each change once, with its
// fields, and none from the source's own hiccups (the baseline, a partial
// answer after a kubelet restart, a status seen twice).
#include "k8s/pod_event_tracker.hpp"

#include <gtest/gtest.h>

using namespace ainode;

namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(24 * 365 * 56);

PodStatus pod(std::string name, std::string uid, std::optional<OwnerReference> owner = std::nullopt) {
  PodStatus p;
  p.namespace_name = "ml";
  p.name = std::move(name);
  p.uid = std::move(uid);
  p.phase = "Running";
  p.owner = std::move(owner);
  ContainerStatus c;
  c.name = "main";
  c.running = true;
  p.containers.push_back(c);
  return p;
}

ContainerTermination ended(std::string reason, std::int64_t exit_code, std::string id) {
  ContainerTermination t;
  t.reason = std::move(reason);
  t.exit_code = exit_code;
  t.container_id = "containerd://" + id;
  t.finished_at = "2026-12-01T10:00:00Z";
  return t;
}

// The container restarted after `why`: running again, the ended instance in lastState.
PodStatus restarted(PodStatus p, const ContainerTermination& why) {
  p.containers[0].restart_count += 1;
  p.containers[0].last_terminated = why;
  p.containers[0].terminated.reset();
  p.containers[0].running = true;
  return p;
}

PodStatus evicted(PodStatus p) {
  p.phase = "Failed";
  p.reason = "Evicted";
  p.message = "The node was low on resource: memory.";
  p.containers[0].running = false;
  p.containers[0].terminated = ended("Error", 137, "evicted-" + p.uid);
  return p;
}

std::vector<std::string> types(const std::vector<PodEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

using Types = std::vector<std::string>;

}  // namespace

TEST(PodEventTracker, FirstAnswerIsTheBaseline) {
  PodEventTracker tracker;
  PodStatus a = restarted(pod("a", "uid-a"), ended("OOMKilled", 137, "1"));
  EXPECT_TRUE(tracker.update({a, evicted(pod("b", "uid-b"))}, t0).empty()) << "no flood at start";
  EXPECT_TRUE(tracker.has_baseline());
  EXPECT_TRUE(tracker.update({a, evicted(pod("b", "uid-b"))}, t0).empty()) << "nothing changed";
}

TEST(PodEventTracker, StartedAndDeletedAfterTwoAnswersWithout) {
  PodEventTracker tracker;
  tracker.update({}, t0);
  auto events = tracker.update({pod("a", "uid-a", OwnerReference{"ReplicaSet", "rs"})}, t0);
  ASSERT_EQ(types(events), (Types{"pod_started"}));
  EXPECT_EQ(events[0].namespace_name, "ml");
  EXPECT_EQ(events[0].pod, "a");
  EXPECT_EQ(events[0].uid, "uid-a");
  EXPECT_EQ(events[0].phase, "Running");
  EXPECT_EQ(*events[0].owner, (OwnerReference{"ReplicaSet", "rs"}));
  EXPECT_TRUE(tracker.update({}, t0).empty()) << "one answer without it may be a kubelet catching up";
  events = tracker.update({}, t0);
  ASSERT_EQ(types(events), (Types{"pod_deleted"}));
  EXPECT_EQ(events[0].uid, "uid-a");
  EXPECT_TRUE(tracker.update({}, t0).empty());
  EXPECT_EQ(tracker.tracked_pods(), 0u);
}

TEST(PodEventTracker, ABriefAbsenceIsNoDeletion) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  tracker.update({a}, t0);
  EXPECT_TRUE(tracker.update({}, t0).empty());
  EXPECT_TRUE(tracker.update({a}, t0).empty()) << "back with the same uid: nothing happened";
  EXPECT_TRUE(tracker.update({}, t0).empty()) << "the count of missing answers starts over";
}

TEST(PodEventTracker, ContainerRestartWithReasonAndExitCode) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  tracker.update({a}, t0);
  PodStatus after = restarted(a, ended("Error", 1, "c1"));
  auto events = tracker.update({after}, t0);
  ASSERT_EQ(types(events), (Types{"container_restarted"}));
  EXPECT_EQ(events[0].container, "main");
  EXPECT_EQ(events[0].reason, "Error");
  EXPECT_EQ(events[0].exit_code, 1);
  EXPECT_EQ(events[0].restart_count, 1);
  EXPECT_TRUE(tracker.update({after}, t0).empty()) << "the same restart is not news twice";
  auto again = tracker.update({restarted(after, ended("Error", 2, "c2"))}, t0);
  ASSERT_EQ(types(again), (Types{"container_restarted"}));
  EXPECT_EQ(again[0].exit_code, 2);
  EXPECT_EQ(again[0].restart_count, 2);
}

TEST(PodEventTracker, OomKillSeenAfterTheRestartIsOneEvent) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  tracker.update({a}, t0);
  auto events = tracker.update({restarted(a, ended("OOMKilled", 137, "c1"))}, t0);
  ASSERT_EQ(types(events), (Types{"container_oom_killed"})) << "not also container_restarted";
  EXPECT_EQ(events[0].reason, "OOMKilled");
  EXPECT_EQ(events[0].exit_code, 137);
  EXPECT_EQ(events[0].restart_count, 1);
}

TEST(PodEventTracker, OomKillSeenBeforeTheRestartIsOneEvent) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  tracker.update({a}, t0);
  PodStatus killed = a;
  killed.containers[0].running = false;
  killed.containers[0].terminated = ended("OOMKilled", 137, "c1");
  auto events = tracker.update({killed}, t0);
  ASSERT_EQ(types(events), (Types{"container_oom_killed"}));
  EXPECT_EQ(events[0].restart_count, 0);
  // The kubelet restarts it: the same termination moves to lastState.
  EXPECT_TRUE(tracker.update({restarted(killed, *killed.containers[0].terminated)}, t0).empty())
      << "the restart an already reported OOM kill caused is part of that event";
}

TEST(PodEventTracker, OomKillWithoutRestartAndAPlainExitWithout) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  PodStatus b = pod("b", "uid-b");
  tracker.update({a, b}, t0);
  a.containers[0].terminated = ended("OOMKilled", 137, "a1");
  b.containers[0].terminated = ended("Completed", 0, "b1");
  auto events = tracker.update({a, b}, t0);
  ASSERT_EQ(types(events), (Types{"container_oom_killed"})) << "restartPolicy Never: killed, not restarted";
  EXPECT_EQ(events[0].pod, "a");
}

TEST(PodEventTracker, EvictionThenReplacementOfTheSameOwner) {
  PodEventTracker tracker;
  OwnerReference rs{"ReplicaSet", "serve-6c9f7d8b5"};
  PodStatus old_pod = pod("serve-6c9f7d8b5-x2k4q", "uid-old", rs);
  tracker.update({old_pod}, t0);
  auto events = tracker.update({evicted(old_pod)}, t0);
  ASSERT_EQ(types(events), (Types{"pod_evicted"})) << "the evicted container's exit is not a restart";
  EXPECT_EQ(events[0].reason, "Evicted");
  EXPECT_EQ(events[0].phase, "Failed");
  EXPECT_EQ(events[0].message, "The node was low on resource: memory.");
  EXPECT_TRUE(tracker.update({evicted(old_pod)}, t0).empty());
  PodStatus replacement = pod("serve-6c9f7d8b5-p9z7w", "uid-new", rs);
  events = tracker.update({evicted(old_pod), replacement}, t0 + std::chrono::seconds(30));
  ASSERT_EQ(types(events), (Types{"pod_started", "pod_rescheduled"}));
  EXPECT_EQ(events[1].pod, "serve-6c9f7d8b5-p9z7w");
  EXPECT_EQ(events[1].uid, "uid-new");
  EXPECT_EQ(events[1].previous_pod, "serve-6c9f7d8b5-x2k4q");
  EXPECT_EQ(events[1].previous_pod_uid, "uid-old");
  tracker.update({replacement}, t0);
  events = tracker.update({replacement}, t0);
  ASSERT_EQ(types(events), (Types{"pod_deleted"}));
  EXPECT_EQ(events[0].uid, "uid-old");
  EXPECT_EQ(events[0].reason, "Evicted");
}

TEST(PodEventTracker, EvictionAndReplacementInOneAnswer) {
  PodEventTracker tracker;
  OwnerReference sts{"StatefulSet", "trainer"};
  PodStatus old_pod = pod("trainer-0", "uid-old", sts);
  tracker.update({old_pod}, t0);
  // A StatefulSet replaces its pod under the same name, with a new uid; the
  // replacement may come first in the list.
  auto events = tracker.update({pod("trainer-0", "uid-new", sts), evicted(old_pod)}, t0);
  ASSERT_EQ(types(events), (Types{"pod_evicted", "pod_started", "pod_rescheduled"}));
  EXPECT_EQ(events[2].previous_pod, "trainer-0");
  EXPECT_EQ(events[2].previous_pod_uid, "uid-old");
}

TEST(PodEventTracker, FailedJobPodReplaced) {
  PodEventTracker tracker;
  OwnerReference job{"Job", "eval"};
  PodStatus first = pod("eval-abc", "uid-1", job);
  tracker.update({first}, t0);
  first.phase = "Failed";
  EXPECT_TRUE(tracker.update({first}, t0).empty()) << "a failure alone has no event of its own";
  auto events = tracker.update({first, pod("eval-def", "uid-2", job)}, t0);
  ASSERT_EQ(types(events), (Types{"pod_started", "pod_rescheduled"}));
  EXPECT_EQ(events[1].previous_pod, "eval-abc");
}

TEST(PodEventTracker, NoReschedulingWithoutAFailure) {
  PodEventTracker tracker;
  OwnerReference rs{"ReplicaSet", "rs"};
  tracker.update({pod("a", "uid-a", rs)}, t0);
  tracker.update({}, t0);
  EXPECT_EQ(types(tracker.update({}, t0)), (Types{"pod_deleted"}));
  EXPECT_EQ(types(tracker.update({pod("b", "uid-b", rs)}, t0)), (Types{"pod_started"}))
      << "a scale-down or rollout is not a rescheduling";
  EXPECT_EQ(types(tracker.update({pod("b", "uid-b", rs), pod("c", "uid-c", OwnerReference{"ReplicaSet", "other"})}, t0)),
            (Types{"pod_started"}));
}

TEST(PodEventTracker, AReplacementLongAfterIsNotARescheduling) {
  PodEventTracker tracker;
  OwnerReference rs{"ReplicaSet", "rs"};
  PodStatus a = pod("a", "uid-a", rs);
  tracker.update({a}, t0);
  tracker.update({evicted(a)}, t0);
  auto later = t0 + PodEventTracker::kReplacementWindow + std::chrono::minutes(1);
  tracker.update({evicted(a)}, later);
  EXPECT_EQ(types(tracker.update({evicted(a), pod("b", "uid-b", rs)}, later)), (Types{"pod_started"}));
}

TEST(PodEventTracker, EvictionApiAndTaintReasons) {
  PodEventTracker tracker;
  PodStatus a = pod("a", "uid-a");
  PodStatus b = pod("b", "uid-b");
  tracker.update({a, b}, t0);
  a.disruption_reason = "EvictionByEvictionAPI";
  a.deleting = true;
  b.disruption_reason = "SomethingElse";
  auto events = tracker.update({a, b}, t0);
  ASSERT_EQ(types(events), (Types{"pod_evicted"}));
  EXPECT_EQ(events[0].reason, "EvictionByEvictionAPI");
}

TEST(PodEventTracker, PartialAnswerAfterAKubeletRestartIsNoRestart) {
  PodEventTracker tracker;
  PodStatus a = restarted(restarted(pod("a", "uid-a"), ended("Error", 1, "c1")), ended("Error", 1, "c2"));
  tracker.update({a}, t0);
  PodStatus partial = a;
  partial.containers.clear();  // statuses not rebuilt yet
  partial.phase = "Pending";
  EXPECT_TRUE(tracker.update({partial}, t0).empty());
  PodStatus reset = a;
  reset.containers[0].restart_count = 0;  // counted afresh
  reset.containers[0].last_terminated.reset();
  EXPECT_TRUE(tracker.update({reset}, t0).empty());
  EXPECT_TRUE(tracker.update({a}, t0).empty()) << "back to the full status: nothing new happened";
  EXPECT_EQ(types(tracker.update({restarted(a, ended("Error", 1, "c3"))}, t0)), (Types{"container_restarted"}));
}

TEST(PodEventTracker, ANewPodThatAlreadyCrashed) {
  PodEventTracker tracker;
  tracker.update({}, t0);
  auto events = tracker.update({restarted(pod("a", "uid-a"), ended("OOMKilled", 137, "c1"))}, t0);
  EXPECT_EQ(types(events), (Types{"pod_started", "container_oom_killed"}));
}
