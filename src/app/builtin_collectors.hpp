#pragma once
// The one place that lists the built-in collectors (docs/architecture.md: explicit
// wiring, no static self-registration).
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "config/collector_selection.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "k8s/kubelet_pods_watcher.hpp"
#include "k8s/pod_resources_watcher.hpp"

namespace ainode {

// Sources more than one collector reads, made once per agent.
struct SharedSources {
  // The kubelet's PodResources answers; null when the kubelet collector is off.
  std::shared_ptr<PodResourcesWatcher> pod_resources;
  // The kubelet's /pods poller (app/pod_events.hpp); null without kubelet.url.
  std::shared_ptr<KubeletPodsWatcher> kubelet_pods;
};

struct CollectorFactory {
  std::string_view name;
  std::string_view description;
  bool enabled_by_default;
  std::function<std::unique_ptr<Collector>(const Config&, const SharedSources&)> make;
};

const std::vector<CollectorFactory>& builtin_collectors();

// Name and default of each built-in collector, for the settings table.
std::vector<CollectorSwitch> builtin_collector_switches();

// The enabled collectors for this configuration, in registration order.
// `kubelet_pods`: the agent's /pods poller, for model-server discovery.
std::vector<std::unique_ptr<Collector>> make_enabled_collectors(const Config& config,
                                                                std::shared_ptr<KubeletPodsWatcher> kubelet_pods = nullptr);

// Whether the app collector discovers model servers: app.discover and a
// /pods poller to read.
bool app_discovery_active(const Config& config, const std::shared_ptr<KubeletPodsWatcher>& kubelet_pods);

}  // namespace ainode
