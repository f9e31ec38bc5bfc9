#pragma once
// /readyz: ready when the latest cycle's core collectors succeeded. A node
// whose /proc cannot be read (wrong --path.procfs, a broken mount) is not
// ready, even though the HTTP server answers: a Kubernetes readiness probe
// or a load balancer should not send scrapes to it.
#include <array>
#include <string>
#include <string_view>

#include "core/snapshot.hpp"

namespace ainode {

// The collectors without which the node is blind: CPU, memory and load come
// from /proc on every Linux host, so their failure means the agent is broken
// or misconfigured, not that the host lacks a device. A core collector that
// is disabled is not required. Every other collector may fail (no GPU, no
// RAPL, no kubelet) without making the agent unready.
inline constexpr std::array<std::string_view, 3> kCoreCollectors = {"cpu", "memory", "loadavg"};

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, for the 503 body; "" when ready
};

Readiness readiness_of(const Snapshot& snapshot);

}  // namespace ainode
