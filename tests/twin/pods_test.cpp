// The scenario's [[pods]] for the twin's kubelet: loading, and how the
// pod_restart, oom_kill and pod_eviction faults play out in what it serves —
// checked through the agent's own /pods parser and pod event tracker, so the
// twin and the agent agree on the Kubernetes shapes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "collectors/app/model_server_discovery.hpp"
#include "k8s/kubelet_pods_parser.hpp"
#include "k8s/pod_event_tracker.hpp"
#include "twin/kubelet_pod_list.hpp"
#include "twin/pods.hpp"

using namespace ainode::twin;

namespace {

struct ScenarioFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ainode-twin-pods-" + std::to_string(getpid()) + ".toml");
  explicit ScenarioFile(const std::string& text) { std::ofstream(path) << text; }
  ~ScenarioFile() { std::filesystem::remove(path); }
};

const char* kScenario =
    "[[gpus]]\nmodel = \"H100-SXM5-80GB\"\ncount = 6\n[[gpus]]\nmodel = \"L40S\"\n"
    "[[pods]]\nnamespace = \"ml\"\nname = \"trainer-0\"\nuid = \"u-1\"\ngpus = [0, 1]\n"
    "[[pods]]\nname = \"web-6c9f7d8b5-x2k4q\"\nuid = \"u-2\"\nowner = \"ReplicaSet/web-6c9f7d8b5\"\n"
    "[[pods]]\nname = \"bare\"\nuid = \"u-3\"\nowner = \"\"\n"
    "[[fault]]\nkind = \"pod_restart\"\npod = \"u-1\"\nfrom_seconds = 10\nexit_code = 2\n"
    "[[fault]]\nkind = \"oom_kill\"\npod = \"u-1\"\nfrom_seconds = 20\nto_seconds = 50\nseverity = 1\n"
    "[[fault]]\nkind = \"pod_eviction\"\npod = \"u-2\"\nfrom_seconds = 60\nto_seconds = 120\n";

std::vector<ainode::PodStatus> served(const std::vector<PodSpec>& pods, const Causes& causes, double t) {
  return ainode::parse_kubelet_pods(kubelet_pods_json(pods_at(pods, causes, t)));
}

}  // namespace

TEST(TwinPods, Loaded) {
  ScenarioFile file(kScenario);
  auto pods = load_pods(file.path.string());
  ASSERT_EQ(pods.size(), 3u);
  EXPECT_EQ(pods[0].namespace_name, "ml");
  EXPECT_EQ(pods[0].gpus, (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(pods[0].owner_kind, "StatefulSet") << "by default, the StatefulSet its name suggests";
  EXPECT_EQ(pods[0].owner_name, "trainer");
  EXPECT_EQ(pods[1].namespace_name, "default");
  EXPECT_EQ(pods[1].container, "main");
  EXPECT_EQ(pods[1].owner_kind, "ReplicaSet");
  EXPECT_EQ(pods[2].owner_kind, "");
  EXPECT_EQ(load_gpu_count(file.path.string()), 7u);
}

TEST(TwinPods, BadEntriesNameTheLine) {
  ScenarioFile no_uid("[[pods]]\nname = \"no-uid\"\n");
  EXPECT_THROW(load_pods(no_uid.path.string()), std::runtime_error);
  ScenarioFile bad_owner("\n[[pods]]\nname = \"p\"\nuid = \"u\"\nowner = \"ReplicaSet\"\n");
  try {
    load_pods(bad_owner.path.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(":2: [[pods]] owner"), std::string::npos) << error.what();
  }
  ScenarioFile bad_exit("[[fault]]\nkind = \"pod_restart\"\npod = \"u\"\nexit_code = 300\n");
  EXPECT_THROW(load_causes(bad_exit.path.string()), std::runtime_error);
}

TEST(TwinPods, RestartsAndOomKillsInContainerStatus) {
  ScenarioFile file(kScenario);
  auto pods = load_pods(file.path.string());
  Causes causes = load_causes(file.path.string());
  auto before = served(pods, causes, 5);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[0].containers[0].restart_count, 0);
  EXPECT_TRUE(before[0].containers[0].running);
  EXPECT_EQ(before[0].owner->kind, "StatefulSet");
  auto restarted = served(pods, causes, 15);
  EXPECT_EQ(restarted[0].containers[0].restart_count, 1);
  EXPECT_EQ(restarted[0].containers[0].last_terminated->reason, "Error");
  EXPECT_EQ(restarted[0].containers[0].last_terminated->exit_code, 2);
  auto killed = served(pods, causes, 51);  // kills at 20 and 50 (every 30 s at severity 1)
  EXPECT_EQ(killed[0].containers[0].restart_count, 3);
  EXPECT_EQ(killed[0].containers[0].last_terminated->reason, "OOMKilled");
  EXPECT_EQ(killed[0].containers[0].last_terminated->exit_code, 137);
  EXPECT_FALSE(killed[2].owner) << "owner = \"\": a bare pod";
}

TEST(TwinPods, EvictionThenAReplacementOfTheSameOwner) {
  ScenarioFile file(kScenario);
  auto pods = load_pods(file.path.string());
  Causes causes = load_causes(file.path.string());
  auto evicted = served(pods, causes, 60);
  EXPECT_EQ(evicted[1].uid, "u-2");
  EXPECT_EQ(evicted[1].phase, "Failed");
  EXPECT_EQ(evicted[1].reason, "Evicted");
  EXPECT_EQ(evicted[1].disruption_reason, "TerminationByKubelet");
  ASSERT_TRUE(evicted[1].containers[0].terminated);
  auto replaced = served(pods, causes, 120);
  EXPECT_NE(replaced[1].uid, "u-2");
  EXPECT_EQ(replaced[1].phase, "Running");
  EXPECT_NE(replaced[1].name, "web-6c9f7d8b5-x2k4q");
  EXPECT_EQ(replaced[1].name.rfind("web-6c9f7d8b5-", 0), 0u) << replaced[1].name;
  EXPECT_EQ(*replaced[1].owner, (ainode::OwnerReference{"ReplicaSet", "web-6c9f7d8b5"}));
  EXPECT_EQ(served(pods, causes, 130)[1].uid, replaced[1].uid) << "the replacement is stable";
  // PodResources: the evicted pod's devices are released for the window.
  auto at = pods_at(pods, causes, 90);
  EXPECT_TRUE(at[1].evicted);
  EXPECT_FALSE(at[0].evicted);
}

TEST(TwinPods, TheAgentSeesEachFaultOnce) {
  ScenarioFile file(kScenario);
  auto pods = load_pods(file.path.string());
  Causes causes = load_causes(file.path.string());
  ainode::PodEventTracker tracker;
  std::map<std::string, int> seen;
  for (double t = 0; t <= 130; t += 0.5) {
    for (const auto& event : tracker.update(served(pods, causes, t), {})) ++seen[event.type];
  }
  EXPECT_EQ(seen, (std::map<std::string, int>{{"container_restarted", 1},
                                               {"container_oom_killed", 2},
                                               {"pod_evicted", 1},
                                               {"pod_started", 1},
                                               {"pod_rescheduled", 1},
                                               {"pod_deleted", 1}}));
}

TEST(TwinPods, SummaryNamesThePodsAndNoStorage) {
  ScenarioFile file(kScenario);
  auto pods = load_pods(file.path.string());
  std::string summary = kubelet_summary_json(pods_at(pods, load_causes(file.path.string()), 0));
  EXPECT_NE(summary.find("\"nodeName\":\"twin-node\""), std::string::npos);
  EXPECT_NE(summary.find("trainer-0"), std::string::npos);
  EXPECT_EQ(summary.find("ephemeral-storage"), std::string::npos);
}

// The pod serving the twin's model server is annotated for discovery, as a
// real serving pod would be, with the model server's host as its IP.
TEST(TwinPods, TheModelServingPodIsAnnotated) {
  ScenarioFile file("[[pods]]\nnamespace = \"ml\"\nname = \"vllm-0\"\nuid = \"u-1\"\nmodel_server = true\n"
                    "[[pods]]\nname = \"other\"\nuid = \"u-2\"\n"
                    "[[fault]]\nkind = \"pod_eviction\"\npod = \"u-1\"\nfrom_seconds = 60\nto_seconds = 120\n");
  auto specs = load_pods(file.path.string());
  Causes causes = load_causes(file.path.string());
  EXPECT_TRUE(specs[0].model_server);
  EXPECT_FALSE(specs[1].model_server);
  auto pods = ainode::parse_kubelet_pods(kubelet_pods_json(pods_at(specs, causes, 5), "127.0.0.1:8123"));
  ASSERT_EQ(pods.size(), 2u);
  EXPECT_EQ(pods[0].annotations.at("ainode.io/metrics-port"), "8123");
  EXPECT_EQ(pods[0].pod_ip, "127.0.0.1");
  EXPECT_TRUE(pods[1].annotations.empty());
  auto discovered = ainode::discover_model_servers(pods);
  ASSERT_EQ(discovered.servers.size(), 1u);
  EXPECT_EQ(discovered.servers[0].endpoint.url, "http://127.0.0.1:8123/metrics");
  // Evicted: it serves nothing, and says so.
  auto evicted = ainode::parse_kubelet_pods(kubelet_pods_json(pods_at(specs, causes, 70), "127.0.0.1:8123"));
  EXPECT_TRUE(ainode::discover_model_servers(evicted).servers.empty());
  // No model server: no annotation.
  EXPECT_TRUE(ainode::parse_kubelet_pods(kubelet_pods_json(pods_at(specs, causes, 5)))[0].annotations.empty());
}
