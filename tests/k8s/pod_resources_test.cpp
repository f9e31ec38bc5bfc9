// Device -> pod through the kubelet's PodResources v1 API: the pure mapping
// on plain values, the gRPC client and watcher against a fake kubelet
// serving the real generated service on a unix socket (whole GPUs, MIG
// devices, time-sliced replicas, AMD GPUs by PCI address, an RDMA device),
// the kubelet down, slow, old and speaking garbage, and the GPU collector's
// labels on the simulated NVML.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <thread>

#include "app/pods_view.hpp"
#include "collector_test_support.hpp"
#include "collectors/gpu/gpu_collector.hpp"
#include "collectors/k8s/kubelet_collector.hpp"
#include "fake_kubelet.hpp"
#include "k8s/device_allocation.hpp"

using namespace ainode;
using namespace ainode::testing;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kGpuResources{"nvidia.com/gpu", "nvidia.com/mig-*", "amd.com/gpu"};
// Simulated GPUs of scenarios/h100x8.toml (src/nvml_sim uuid_for, src/twin/gpu_identity.hpp gpu_bus_id).
const std::string kGpu0 = "GPU-5a1d0000-0000-4000-8000-000000000000";
const std::string kGpu1 = "GPU-5a1d0001-0000-4000-8000-000000001000";
const std::string kGpu7 = "GPU-5a1d0007-0000-4000-8000-000000007000";
const std::string kMig7a = "MIG-5a1d0007-0001-4000-8000-000000007001";

PodResourcesOptions fast(const std::string& socket) {
  PodResourcesOptions options;
  options.socket_path = socket;
  options.interval = 50ms;
  options.timeout = 200ms;
  return options;
}

void fill_cluster(FakeKubelet& kubelet) {
  kubelet.add("ml", "trainer-0", "pytorch", "nvidia.com/gpu", {kGpu0});
  kubelet.add("inference", "api-a", "server", "nvidia.com/gpu", {kGpu1 + "::0"});
  kubelet.add("inference", "api-b", "server", "nvidia.com/gpu", {kGpu1 + "::3"});
  kubelet.add("ml", "notebook", "jupyter", "nvidia.com/mig-3g.40gb", {kMig7a});
  kubelet.add("render", "blender", "main", "amd.com/gpu", {"0000:3a:00.0"});  // GPU 2 by PCI address
  kubelet.add("ml", "trainer-0", "pytorch-rdma", "rdma/hca_shared_devices_a", {"mlx5_0"});
  kubelet.allocatable("nvidia.com/gpu", {kGpu0, kGpu1 + "::0", kGpu1 + "::1", kGpu1 + "::2", kGpu1 + "::3"});
  kubelet.allocatable("amd.com/gpu", {"0000:3a:00.0", "0000:5d:00.0"});
  kubelet.allocatable("rdma/hca_shared_devices_a", {"mlx5_0"});
}

}  // namespace

TEST(DeviceAllocation, DeviceKeysMeetNvmlsSpelling) {
  std::optional<unsigned> replica;
  EXPECT_EQ(device_key("GPU-ABCDEF01-0000::7", &replica), "gpu-abcdef01-0000");
  EXPECT_EQ(replica, 7u);
  EXPECT_EQ(device_key("MIG-1234", &replica), "mig-1234");
  EXPECT_FALSE(replica);
  EXPECT_EQ(device_key("0000:C1:00.0"), "0000:c1:00.0");
  EXPECT_EQ(device_key("00000000:C1:00.0"), "0000:c1:00.0") << "NVML's 8-digit domain";
  EXPECT_EQ(device_key("00010000:c1:00.0"), "00010000:c1:00.0") << "a domain that is not 0 is kept whole";
  EXPECT_EQ(device_key("mlx5_0"), "mlx5_0");
  EXPECT_EQ(device_key(""), "");
  EXPECT_EQ(device_key("::"), "");
}

TEST(DeviceAllocation, GpuResourcePatterns) {
  EXPECT_TRUE(is_gpu_resource("nvidia.com/gpu", kGpuResources));
  EXPECT_TRUE(is_gpu_resource("nvidia.com/mig-1g.10gb", kGpuResources));
  EXPECT_TRUE(is_gpu_resource("amd.com/gpu", kGpuResources));
  EXPECT_FALSE(is_gpu_resource("nvidia.com/gpu.shared", kGpuResources));
  EXPECT_FALSE(is_gpu_resource("rdma/hca", kGpuResources));
}

TEST(DeviceAllocation, HoldersAndCounts) {
  PodResourcesList list{{{"ml", "a", "c", {{"nvidia.com/gpu", {"GPU-X::0", "GPU-Y"}}, {"rdma/hca", {"mlx5_0"}}}},
                         {"ml", "b", "c", {{"nvidia.com/gpu", {"GPU-X::1"}}}}}};
  AllocatableDevices allocatable{{{"nvidia.com/gpu", {"GPU-X::0", "GPU-X::1", "GPU-Y", "GPU-Z"}}, {"rdma/hca", {"m"}}}};
  auto table = map_gpu_allocations(list, allocatable, kGpuResources);
  ASSERT_NE(table.find("gpu-x"), nullptr);
  EXPECT_EQ(table.find("GPU-X")->size(), 2u) << "two replicas, two holders";
  EXPECT_EQ(table.find("GPU-Y")->at(0).pod, "a");
  EXPECT_EQ(table.find("GPU-Z"), nullptr);
  EXPECT_EQ(table.find("mlx5_0"), nullptr) << "RDMA is not a GPU";
  EXPECT_EQ(table.allocated["nvidia.com/gpu"], 3);
  EXPECT_EQ(table.allocatable["nvidia.com/gpu"], 4);
  EXPECT_FALSE(table.allocatable.contains("rdma/hca"));
  EXPECT_TRUE(table.allocatable_known);
  auto without = map_gpu_allocations(list, std::nullopt, kGpuResources);
  EXPECT_FALSE(without.allocatable_known);
  EXPECT_TRUE(without.allocatable.empty()) << "unknown, not zero";
}

TEST(PodResourcesClient, ListAndAllocatableFromTheFakeKubelet) {
  FakeKubelet kubelet;
  fill_cluster(kubelet);
  PodResourcesClient client(kubelet.socket(), 2s, 16 << 20);
  auto list = client.list();
  ASSERT_TRUE(std::holds_alternative<PodResourcesList>(list)) << std::get<PodResourcesError>(list).message;
  const auto& containers = std::get<PodResourcesList>(list).containers;
  ASSERT_EQ(containers.size(), 6u);
  EXPECT_EQ(containers[0].namespace_name, "ml");
  EXPECT_EQ(containers[0].pod, "trainer-0");
  EXPECT_EQ(containers[0].devices[0].device_ids[0], kGpu0);
  auto allocatable = client.allocatable();
  ASSERT_TRUE(std::holds_alternative<AllocatableDevices>(allocatable));
  EXPECT_EQ(std::get<AllocatableDevices>(allocatable).by_resource.at("amd.com/gpu").size(), 2u);
}

TEST(PodResourcesClient, AnswerOverTheReceiveLimitIsRefused) {
  FakeKubelet kubelet;
  fill_cluster(kubelet);
  PodResourcesClient client(kubelet.socket(), 2s, 64);  // the cluster's List answer is larger
  auto list = client.list();
  ASSERT_TRUE(std::holds_alternative<PodResourcesError>(list));
  EXPECT_EQ(std::get<PodResourcesError>(list).call, "List");
  EXPECT_EQ(std::get<PodResourcesError>(list).code, "RESOURCE_EXHAUSTED");
}

TEST(PodResourcesClient, AServerStatusIsPassedOnByName) {
  FakeKubelet kubelet;
  kubelet.allocatable_unimplemented = true;
  PodResourcesClient client(kubelet.socket(), 2s, 16 << 20);
  auto allocatable = client.allocatable();
  ASSERT_TRUE(std::holds_alternative<PodResourcesError>(allocatable));
  EXPECT_EQ(std::get<PodResourcesError>(allocatable).code, "UNIMPLEMENTED");
  EXPECT_EQ(std::get<PodResourcesError>(allocatable).message, "not in this kubelet");
}

TEST(PodResourcesClient, SlowKubeletHitsTheDeadline) {
  FakeKubelet kubelet;
  kubelet.delay_ms = 500;
  PodResourcesClient client(kubelet.socket(), 100ms, 16 << 20);
  auto started = std::chrono::steady_clock::now();
  auto list = client.list();
  ASSERT_TRUE(std::holds_alternative<PodResourcesError>(list));
  EXPECT_EQ(std::get<PodResourcesError>(list).code, "DEADLINE_EXCEEDED");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 450ms);
}

TEST(KubeletCollector, AllocationMetricsAndHealth) {
  FakeKubelet kubelet;
  fill_cluster(kubelet);
  auto watcher = std::make_shared<PodResourcesWatcher>(fast(kubelet.socket()));
  KubeletCollector collector(watcher, kGpuResources);
  auto c = collect_until(collector, [](const Collected& c) { return c.value("ainode_kubelet_pod_resources_up").has_value(); });
  EXPECT_EQ(c.value("ainode_kubelet_pod_resources_up"), 1);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocated", {{"resource", "nvidia.com/gpu"}}), 3);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocatable", {{"resource", "nvidia.com/gpu"}}), 5);
  EXPECT_DOUBLE_EQ(*c.value("ainode_k8s_gpu_allocation_ratio", {{"resource", "nvidia.com/gpu"}}), 0.6);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocated", {{"resource", "nvidia.com/mig-3g.40gb"}}), 1);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocated", {{"resource", "amd.com/gpu"}}), 1);
  EXPECT_DOUBLE_EQ(*c.value("ainode_k8s_gpu_allocation_ratio", {{"resource", "amd.com/gpu"}}), 0.5);
  EXPECT_FALSE(c.value("ainode_k8s_gpu_allocated", {{"resource", "rdma/hca_shared_devices_a"}}).has_value());
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ((*c.details)["pod_devices"].size(), 6u);
}

TEST(KubeletCollector, OldKubeletWithoutAllocatable) {
  FakeKubelet kubelet;
  fill_cluster(kubelet);
  kubelet.allocatable_unimplemented = true;
  KubeletCollector collector(std::make_shared<PodResourcesWatcher>(fast(kubelet.socket())), kGpuResources);
  auto c = collect_until(collector, [](const Collected& c) { return c.value("ainode_kubelet_pod_resources_up").has_value(); });
  EXPECT_EQ(c.value("ainode_kubelet_pod_resources_up"), 1);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocated", {{"resource", "nvidia.com/gpu"}}), 3);
  EXPECT_FALSE(c.value("ainode_k8s_gpu_allocatable", {{"resource", "nvidia.com/gpu"}}).has_value()) << "unknown, not 0";
  EXPECT_FALSE(c.value("ainode_k8s_gpu_allocation_ratio", {{"resource", "nvidia.com/gpu"}}).has_value());
  EXPECT_EQ((*c.details)["kubelet"]["allocatable"], "unimplemented by this kubelet");
  EXPECT_TRUE(c.warnings.empty()) << "UNIMPLEMENTED is a kubelet's age, not an error";
}

TEST(KubeletCollector, NoKubeletIsSaidOnceAndCounted) {
  auto missing = (std::filesystem::temp_directory_path() / "ainode-no-kubelet.sock").string();
  KubeletCollector collector(std::make_shared<PodResourcesWatcher>(fast(missing)), kGpuResources);
  auto first = collect_until(collector, [](const Collected& c) { return c.value("ainode_kubelet_pod_resources_up").has_value(); });
  EXPECT_EQ(first.value("ainode_kubelet_pod_resources_up"), 0);
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_NE(first.warnings[0].find(missing), std::string::npos) << first.warnings[0];
  std::this_thread::sleep_for(150ms);
  auto later = collect_once(collector);
  EXPECT_TRUE(later.warnings.empty()) << "said once";
  EXPECT_GE(later.value("ainode_kubelet_pod_resources_errors_total", {{"call", "List"}, {"code", "UNAVAILABLE"}}).value_or(0), 2);
  EXPECT_FALSE(later.value("ainode_k8s_gpu_allocated", {{"resource", "nvidia.com/gpu"}}).has_value());
}

TEST(KubeletCollector, SlowKubeletIsCountedAndCollectionDoesNotWait) {
  FakeKubelet kubelet;
  fill_cluster(kubelet);
  kubelet.delay_ms = 400;  // past the 200 ms deadline
  KubeletCollector collector(std::make_shared<PodResourcesWatcher>(fast(kubelet.socket())), kGpuResources);
  auto started = std::chrono::steady_clock::now();
  auto first = collect_once(collector);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 550ms) << "the first collection waits at most 2 deadlines";
  EXPECT_EQ(first.value("ainode_kubelet_pod_resources_up"), 0);
  started = std::chrono::steady_clock::now();
  auto c = collect_once(collector);  // the next round is under way, as slow as ever
  EXPECT_LT(std::chrono::steady_clock::now() - started, 50ms) << "later collections never wait on the kubelet";
  EXPECT_GE(c.value("ainode_kubelet_pod_resources_errors_total", {{"call", "List"}, {"code", "DEADLINE_EXCEEDED"}}).value_or(0), 1);
  kubelet.delay_ms = 0;  // it recovers
  c = collect_until(collector, [](const Collected& c) { return c.value("ainode_kubelet_pod_resources_up").value_or(0) == 1; });
  EXPECT_EQ(c.value("ainode_kubelet_pod_resources_up"), 1);
}

TEST(KubeletCollector, GarbageOnTheSocketIsAnError) {
  // A unix socket whose peer answers bytes that are not HTTP/2.
  auto path = (std::filesystem::temp_directory_path() / ("ainode-garbage-" + std::to_string(getpid()) + ".sock")).string();
  std::filesystem::remove(path);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  std::atomic<bool> stop{false};
  std::thread garbage([&] {
    while (!stop) {
      int client = accept(listener, nullptr, nullptr);
      if (client < 0) break;
      const char junk[] = "HTTP/1.0 200 OK\r\n\r\nthis is not gRPC\x00\xff\xfe";
      (void)!write(client, junk, sizeof junk);
      close(client);
    }
  });
  {
    KubeletCollector collector(std::make_shared<PodResourcesWatcher>(fast(path)), kGpuResources);
    auto c = collect_until(collector, [](const Collected& c) { return c.value("ainode_kubelet_pod_resources_up").has_value(); });
    EXPECT_EQ(c.value("ainode_kubelet_pod_resources_up"), 0);
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_NE(c.warnings[0].find("List"), std::string::npos) << c.warnings[0];
  }
  stop = true;
  shutdown(listener, SHUT_RDWR);
  close(listener);
  garbage.join();
  std::filesystem::remove(path);
}

namespace {

class GpuPodLabels : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AINODE_NVML_SIM_SCENARIO", (std::string(AINODE_SOURCE_DIR) + "/scenarios/h100x8.toml").c_str(), 1);
    fill_cluster(kubelet_);
  }
  static GpuConfig simulated() {
    GpuConfig config;
    config.nvml_library = AINODE_NVML_SIM_PATH;
    config.enable_events = false;
    return config;
  }
  FakeKubelet kubelet_;
  std::shared_ptr<PodResourcesWatcher> watcher_ = std::make_shared<PodResourcesWatcher>(fast(kubelet_.socket()));
};

bool has_allocations(const Collected& c) { return c.count("ainode_k8s_gpu_allocation_info") > 0; }

}  // namespace

TEST_F(GpuPodLabels, WholeGpusMigDevicesReplicasAndPciAddresses) {
  GpuCollector gpu(simulated(), GpuKubernetes{true, true, kGpuResources, watcher_});
  auto c = collect_until(gpu, has_allocations);
  // GPU 0: one container holds it, so its own series name it.
  EXPECT_TRUE(c.value("ainode_gpu_utilization_ratio", {{"gpu", "0"}, {"namespace", "ml"}, {"pod", "trainer-0"}, {"container", "pytorch"}}));
  // GPU 1: time-sliced by two pods: no pod on its series, both in the info series.
  EXPECT_TRUE(c.value("ainode_gpu_utilization_ratio", {{"gpu", "1"}, {"pod", ""}}));
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocation_info", {{"gpu", "1"}, {"pod", "api-a"}, {"replica", "0"}}), 1);
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocation_info", {{"gpu", "1"}, {"pod", "api-b"}, {"replica", "3"}}), 1);
  // GPU 2, allocated by PCI address (as amd.com/gpu names devices).
  EXPECT_TRUE(c.value("ainode_gpu_power_watts", {{"gpu", "2"}, {"namespace", "render"}, {"pod", "blender"}}));
  // GPU 7's first MIG device: its MIG series name the notebook, the GPU's own series nobody.
  EXPECT_TRUE(c.value("ainode_gpu_mig_device_memory_total_bytes", {{"mig_uuid", kMig7a}, {"pod", "notebook"}}));
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocation_info", {{"gpu", "7"}, {"mig_uuid", kMig7a}, {"resource", "nvidia.com/mig-3g.40gb"}}), 1);
  // (Power, not utilization: a GPU in MIG mode has no whole-GPU utilization, as on a real driver.)
  EXPECT_TRUE(c.value("ainode_gpu_power_watts", {{"gpu", "7"}, {"pod", ""}}));
  // Unallocated GPUs: no pod labels, no info series.
  EXPECT_TRUE(c.value("ainode_gpu_utilization_ratio", {{"gpu", "3"}, {"pod", ""}}));
  EXPECT_FALSE(c.value("ainode_k8s_gpu_allocation_info", {{"gpu", "3"}}));
  EXPECT_EQ((*c.details)["gpus"][0]["kubernetes"]["pod"], "trainer-0");
}

TEST_F(GpuPodLabels, PodLabelsCanBeTurnedOff) {
  GpuCollector gpu(simulated(), GpuKubernetes{true, false, kGpuResources, watcher_});
  auto c = collect_until(gpu, has_allocations);
  EXPECT_TRUE(c.value("ainode_gpu_utilization_ratio", {{"gpu", "0"}, {"pod", ""}}));
  EXPECT_EQ(c.value("ainode_k8s_gpu_allocation_info", {{"gpu", "0"}, {"pod", "trainer-0"}}), 1) << "the join series stays";
}

TEST(PodsView, ContainersWithGpusDevicesAndProcesses) {
  Snapshot snapshot;
  auto status = [](std::string name, nlohmann::json details) {
    CollectorStatus s;
    s.name = std::move(name);
    s.details = std::make_shared<const CollectorDetails>(std::move(details));
    return s;
  };
  snapshot.collectors.push_back(status(
      "kubelet", {{"pod_devices",
                   {{{"namespace", "ml"}, {"pod", "trainer-0"}, {"container", "pytorch"},
                     {"devices", {{{"resource", "nvidia.com/gpu"}, {"ids", {kGpu0}}},
                                  {{"resource", "rdma/hca_shared_devices_a"}, {"ids", {"mlx5_0"}}}}}},
                    {{"namespace", "ml"}, {"pod", "notebook"}, {"container", "jupyter"},
                     {"devices", {{{"resource", "nvidia.com/mig-3g.40gb"}, {"ids", {kMig7a}}}}}}}}}));
  snapshot.collectors.push_back(status(
      "gpu", {{"gpus",
               {{{"index", 0}, {"uuid", kGpu0}, {"pci_bus_id", "00000000:18:00.0"},
                 {"processes", {{{"pid", 1234}, {"name", "python3"}, {"namespace", "ml"}, {"pod", "trainer-0"}, {"container", "pytorch"}}}}},
                {{"index", 7}, {"uuid", kGpu7}, {"pci_bus_id", "00000000:DB:00.0"},
                 {"mig", {{"instances", {{{"compute_instances", {{{"mig_uuid", kMig7a}}}}}}}}}}}}}));
  snapshot.collectors.push_back(status(
      "processes", {{"top", {{{"pid", 1234}, {"name", "python3 train.py"}, {"namespace", "ml"}, {"pod", "trainer-0"}, {"container", "pytorch"}},
                             {{"pid", 1}, {"name", "systemd"}, {"namespace", ""}, {"pod", ""}, {"container", ""}}}}}));
  auto view = pods_view(snapshot)["containers"];
  ASSERT_EQ(view.size(), 2u);
  const auto& notebook = view[0];
  EXPECT_EQ(notebook["pod"], "notebook");
  EXPECT_EQ(notebook["gpus"][0]["gpu"], 7);
  EXPECT_EQ(notebook["gpus"][0]["mig_uuid"], kMig7a);
  const auto& trainer = view[1];
  EXPECT_EQ(trainer["gpus"][0]["uuid"], kGpu0);
  EXPECT_EQ(trainer["devices"][0]["resource"], "rdma/hca_shared_devices_a");
  EXPECT_EQ(trainer["devices"][0]["id"], "mlx5_0");
  ASSERT_EQ(trainer["processes"].size(), 2u);
  EXPECT_EQ(trainer["processes"][0]["source"], "gpu");
  EXPECT_EQ(trainer["processes"][0]["gpu"]["gpu"], 0);
  EXPECT_EQ(trainer["processes"][1]["source"], "top");
}
