#pragma once
// Model servers found through the kubelet (docs/model-efficiency.md,
// "Discovery"): the pods on this node annotated
//
//   ainode.io/metrics-port: "8000"         required, a port number
//   ainode.io/metrics-path: "/metrics"     optional, default /metrics
//   ainode.io/metrics-scheme: "http"       optional, http (default) or https
//
// are scraped at http(s)://<status.podIP>:<port><path> and attributed to
// that pod directly (its namespace and name: no PID guessing). Pure: the
// kubelet's /pods answer in, endpoints and rejected pods out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "k8s/kubelet_pods_parser.hpp"

namespace ainode {

inline constexpr std::string_view kMetricsPortAnnotation = "ainode.io/metrics-port";
inline constexpr std::string_view kMetricsPathAnnotation = "ainode.io/metrics-path";
inline constexpr std::string_view kMetricsSchemeAnnotation = "ainode.io/metrics-scheme";

struct DiscoveredServer {
  AppEndpoint endpoint;  // url, namespace_name, pod (no gpus: the pod's own)
  std::string pod_uid;   // a new pod at the same URL is a new server
};

// An annotated pod whose annotations cannot make a URL.
struct RejectedPod {
  std::string namespace_name, pod, uid;
  std::string reason;   // bad_port, bad_path, bad_scheme
  std::string message;  // names the pod, the annotation and its value
};

struct ModelServerDiscovery {
  std::vector<DiscoveredServer> servers;  // in the kubelet's order
  std::vector<RejectedPod> rejected;
  // Annotated pods skipped for now: not Running, or no podIP yet.
  std::size_t waiting = 0;
};

ModelServerDiscovery discover_model_servers(const std::vector<PodStatus>& pods);

}  // namespace ainode
