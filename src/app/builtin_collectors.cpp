#include "app/builtin_collectors.hpp"

#include "collectors/app/app_collector.hpp"
#include "collectors/cpu/cpu_collector.hpp"
#include "collectors/disk/disk_collector.hpp"
#include "collectors/filesystem/filesystem_collector.hpp"
#include "collectors/gpu/gpu_collector.hpp"
#include "collectors/infiniband/infiniband_collector.hpp"
#include "collectors/k8s/kubelet_collector.hpp"
#include "collectors/memory/memory_collector.hpp"
#include "collectors/network/netstat_collector.hpp"
#include "collectors/network/network_collector.hpp"
#include "collectors/numa/numa_collector.hpp"
#include "collectors/pcie/pcie_collector.hpp"
#include "collectors/power/bmc_collector.hpp"
#include "collectors/power/hwmon_collector.hpp"
#include "collectors/power/rapl_collector.hpp"
#include "collectors/pressure/pressure_collector.hpp"
#include "collectors/processes/processes_collector.hpp"
#include "collectors/system/system_collectors.hpp"
#include "collectors/thermal/thermal_collector.hpp"
#include "core/text.hpp"

namespace ainode {

const std::vector<CollectorFactory>& builtin_collectors() {
  static const std::vector<CollectorFactory> factories = {
      {"cpu", "CPU time, utilization, context switches, frequency", true,
       [](const Config&, const SharedSources&) { return std::make_unique<CpuCollector>(); }},
      {"loadavg", "Load averages", true, [](const Config&, const SharedSources&) { return std::make_unique<LoadavgCollector>(); }},
      {"time", "Uptime and wall clock", true, [](const Config&, const SharedSources&) { return std::make_unique<TimeCollector>(); }},
      {"uname", "Host name and kernel release", true, [](const Config&, const SharedSources&) { return std::make_unique<UnameCollector>(); }},
      {"memory", "Memory, swap, paging", true, [](const Config&, const SharedSources&) { return std::make_unique<MemoryCollector>(); }},
      {"pressure", "Pressure stall information (PSI)", true,
       [](const Config&, const SharedSources&) { return std::make_unique<PressureCollector>(); }},
      {"processes", "Process counts and top-N processes", true,
       [](const Config& c, const SharedSources&) {
         return std::make_unique<ProcessesCollector>(static_cast<std::size_t>(c.processes.top_n), c.k8s.attribution);
       }},
      {"filesystem", "Filesystem space and inodes", true,
       [](const Config& c, const SharedSources&) { return std::make_unique<FilesystemCollector>(c.filesystem); }},
      {"disk", "Block device I/O", true, [](const Config& c, const SharedSources&) { return std::make_unique<DiskCollector>(c.disk); }},
      {"network", "Network interfaces", true,
       [](const Config& c, const SharedSources&) { return std::make_unique<NetworkCollector>(c.network); }},
      {"netstat", "TCP and UDP counters", true, [](const Config&, const SharedSources&) { return std::make_unique<NetstatCollector>(); }},
      {"thermal", "Thermal zones", true, [](const Config&, const SharedSources&) { return std::make_unique<ThermalCollector>(); }},
      {"rapl", "CPU package energy and power (RAPL)", true, [](const Config&, const SharedSources&) { return std::make_unique<RaplCollector>(); }},
      {"hwmon", "Hardware monitoring chips: temperature, power, energy, voltage, current, fans", true,
       [](const Config&, const SharedSources&) { return std::make_unique<HwmonCollector>(); }},
      {"bmc", "Node power from the BMC through IPMI DCMI (in-band, /dev/ipmi0)", false,
       [](const Config& c, const SharedSources&) { return std::make_unique<BmcCollector>(c.bmc); }},
      {"numa", "NUMA nodes: memory, placement counters, distances, CPU and interrupts", true,
       [](const Config&, const SharedSources&) { return std::make_unique<NumaCollector>(); }},
      {"pcie", "PCIe links and NUMA placement of GPUs, NICs and accelerators", true,
       [](const Config&, const SharedSources&) { return std::make_unique<PcieCollector>(); }},
      {"infiniband", "InfiniBand and RoCE ports", true, [](const Config&, const SharedSources&) { return std::make_unique<InfinibandCollector>(); }},
      {"gpu", "NVIDIA GPUs through NVML", true, [](const Config& c, const SharedSources& shared) {
         return std::make_unique<GpuCollector>(
             c.gpu, GpuKubernetes{c.k8s.attribution, c.k8s.gpu_pod_labels, text::split_list(c.k8s.gpu_resource_names),
                                  shared.pod_resources});
       }},
      {"kubelet", "Kubernetes device allocation from the kubelet's PodResources API", true,
       [](const Config& c, const SharedSources& shared) {
         std::unique_ptr<KubeletSummaryWatcher> summary;
         if (!c.kubelet.url.empty()) {
           summary = std::make_unique<KubeletSummaryWatcher>(
               KubeletHttpOptions{c.kubelet.url, c.kubelet.token_file, c.kubelet.ca_file,
                                  c.kubelet.insecure_skip_verify, c.kubelet.timeout},
               c.kubelet.interval);
         }
         return std::make_unique<KubeletCollector>(shared.pod_resources, text::split_list(c.k8s.gpu_resource_names),
                                                   std::move(summary));
       }},
      {"app", "Model servers' token and request counters per model (app.endpoints, app.discover; tokens per joule)",
       true,
       [](const Config& c, const SharedSources& shared) {
         AppCollector::PodListSource pods;
         if (app_discovery_active(c, shared.kubelet_pods)) {
           pods = [watcher = shared.kubelet_pods] { return watcher->latest()->pod_list; };
         }
         return std::make_unique<AppCollector>(c.app.endpoints, std::move(pods), c.app.timeout,
                                               static_cast<std::size_t>(c.app.max_body_bytes), c.collect.interval);
       }},
  };
  return factories;
}

std::vector<CollectorSwitch> builtin_collector_switches() {
  std::vector<CollectorSwitch> switches;
  for (const auto& factory : builtin_collectors()) switches.push_back({factory.name, factory.enabled_by_default});
  return switches;
}

namespace {
bool is_enabled(const Config& config, const CollectorFactory& factory) {
  return collector_enabled(config.collect, CollectorSwitch{factory.name, factory.enabled_by_default});
}
}  // namespace

bool app_discovery_active(const Config& config, const std::shared_ptr<KubeletPodsWatcher>& kubelet_pods) {
  return config.app.discover && kubelet_pods != nullptr;
}

std::vector<std::unique_ptr<Collector>> make_enabled_collectors(const Config& config,
                                                                std::shared_ptr<KubeletPodsWatcher> kubelet_pods) {
  SharedSources sources;
  sources.kubelet_pods = std::move(kubelet_pods);
  for (const auto& factory : builtin_collectors()) {
    if (factory.name == "kubelet" && is_enabled(config, factory)) {
      sources.pod_resources = std::make_shared<PodResourcesWatcher>(
          PodResourcesOptions{config.kubelet.pod_resources_socket, config.kubelet.pod_resources_interval,
                              config.kubelet.pod_resources_timeout,
                              static_cast<int>(config.kubelet.pod_resources_max_message_bytes)});
    }
  }
  std::vector<std::unique_ptr<Collector>> collectors;
  for (const auto& factory : builtin_collectors()) {
    // With no model server configured or discovered the app collector has nothing to do.
    if (factory.name == "app" && config.app.endpoints.empty() && !app_discovery_active(config, sources.kubelet_pods)) {
      continue;
    }
    if (is_enabled(config, factory)) collectors.push_back(factory.make(config, sources));
  }
  return collectors;
}

}  // namespace ainode
