#pragma once
// The twin kubelet's HTTP answers, shaped like a real kubelet's: GET /pods
// (a v1 PodList) and GET /stats/summary (node and pod references only: the
// twin models no ephemeral storage, so it reports none rather than made-up
// bytes). Timestamps are scenario time from 2026-01-01T00:00:00Z, so a
// restarted twin kubelet reports the very same pods.
#include <string>
#include <string_view>
#include <vector>

#include "twin/pods.hpp"

namespace ainode::twin {

inline constexpr std::string_view kTwinNodeName = "twin-node";

// `model_server` ("host:port", "" for none): the pods with model_server =
// true get that host as status.podIP and ainode.io/metrics-port = port, as
// a real serving pod annotated for ainode would (docs/model-efficiency.md).
std::string kubelet_pods_json(const std::vector<PodInstance>& pods, std::string_view model_server = "");
std::string kubelet_summary_json(const std::vector<PodInstance>& pods);

}  // namespace ainode::twin
