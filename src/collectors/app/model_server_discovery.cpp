#include "collectors/app/model_server_discovery.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace ainode {

namespace {

std::string annotation(const PodStatus& pod, std::string_view key) {
  auto found = pod.annotations.find(std::string(key));
  return found == pod.annotations.end() ? "" : found->second;
}

// Kubernetes' own port annotations (prometheus.io/port) are numbers only;
// a named container port would need the pod spec, which is not kept.
bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto port = text::to_u64(text);
  return port && *port >= 1 && *port <= 65535;
}

// A path of printable ASCII beginning with '/': anything else would make
// the URL mean something the pod's owner did not write.
bool is_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  return std::all_of(path.begin(), path.end(), [](char c) { return c > ' ' && c < 0x7f && c != '#'; });
}

// An IPv4 or IPv6 address as the kubelet writes podIP: the characters
// only, enough that the URL names that address and nothing else.
bool is_address(std::string_view ip) {
  if (ip.empty() || ip.size() > 45) return false;
  return std::all_of(ip.begin(), ip.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
  });
}

}  // namespace

ModelServerDiscovery discover_model_servers(const std::vector<PodStatus>& pods) {
  ModelServerDiscovery out;
  for (const PodStatus& pod : pods) {
    if (!pod.annotations.contains(std::string(kMetricsPortAnnotation))) continue;
    auto reject = [&](std::string reason, std::string_view key, const std::string& value, std::string_view expected) {
      out.rejected.push_back(RejectedPod{pod.namespace_name, pod.name, pod.uid, std::move(reason),
                                         "pod " + pod.namespace_name + "/" + pod.name + ": annotation " +
                                             std::string(key) + "='" + value + "' is not " + std::string(expected) +
                                             "; its model server is not scraped"});
    };
    std::string port = annotation(pod, kMetricsPortAnnotation);
    std::string path = pod.annotations.contains(std::string(kMetricsPathAnnotation))
                           ? annotation(pod, kMetricsPathAnnotation)
                           : "/metrics";
    std::string scheme = pod.annotations.contains(std::string(kMetricsSchemeAnnotation))
                             ? annotation(pod, kMetricsSchemeAnnotation)
                             : "http";
    if (!is_port(port)) {
      reject("bad_port", kMetricsPortAnnotation, port, "a port number (1-65535)");
      continue;
    }
    if (!is_path(path)) {
      reject("bad_path", kMetricsPathAnnotation, path, "a path (printable, starting with '/')");
      continue;
    }
    if (scheme != "http" && scheme != "https") {
      reject("bad_scheme", kMetricsSchemeAnnotation, scheme, "http or https");
      continue;
    }
    // Pending pods have no IP yet, and a pod that ended serves nothing: both
    // are looked at again in the next answer (as is a podIP that is not an
    // address, so the URL can only name the pod's own address).
    if (pod.phase != "Running" || !is_address(pod.pod_ip)) {
      ++out.waiting;
      continue;
    }
    bool ipv6 = pod.pod_ip.find(':') != std::string::npos;
    std::string host = ipv6 ? "[" + pod.pod_ip + "]" : pod.pod_ip;
    DiscoveredServer server;
    server.endpoint.url = scheme + "://" + host + ":" + port + path;
    server.endpoint.namespace_name = pod.namespace_name;
    server.endpoint.pod = pod.name;
    server.pod_uid = pod.uid;
    out.servers.push_back(std::move(server));
  }
  return out;
}

}  // namespace ainode
