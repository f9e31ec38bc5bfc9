#include "aiops/rca_finding.hpp"

#include "events/event.hpp"
#include "gpu/xid_catalogue.hpp"

namespace ainode::aiops {

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json evidence = nlohmann::json::array();
  for (const auto& e : f.evidence) {
    evidence.push_back({{"signal", e.signal},
                        {"value", e.value},
                        {"baseline", e.baseline ? nlohmann::json(*e.baseline) : nlohmann::json(nullptr)},
                        {"threshold", e.threshold},
                        {"at", rfc3339(e.at)}});
  }
  nlohmann::json alternatives = nlohmann::json::array();
  for (const auto& [cause, score] : f.alternatives) alternatives.push_back({{"cause", cause}, {"score", score}});
  auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"id", f.id},
          {"cause", f.cause},
          {"confidence", f.confidence},
          {"gpu", f.subject.gpu ? nlohmann::json(*f.subject.gpu) : nlohmann::json(nullptr)},
          {"uuid", text_or_null(f.subject.uuid)},
          {"namespace", text_or_null(f.subject.namespace_name)},
          {"pod", text_or_null(f.subject.pod)},
          {"start", rfc3339(f.start)},
          {"end", f.end ? nlohmann::json(rfc3339(*f.end)) : nlohmann::json(nullptr)},
          {"evidence", std::move(evidence)},
          {"alternatives", std::move(alternatives)},
          {"action", f.action},
          {"state", f.open() ? "open" : "closed"}};
}

std::string recommended_action(const std::string& cause, const std::vector<Evidence>& evidence) {
  auto has = [&](std::string_view signal) {
    for (const auto& e : evidence) {
      if (e.signal == signal) return true;
    }
    return false;
  };
  if (cause == "xid") {
    for (const auto& e : evidence) {
      if (e.signal == "gpu.xid") {
        XidInfo info = xid_info(static_cast<std::uint64_t>(e.value));
        return "XID " + std::to_string(info.code) + " (" + std::string(info.meaning) + "): " + std::string(describe(info.action));
      }
    }
  }
  if (cause == "power_cap" && has("gpu.power_limit_watts.own_policy")) {
    return "expected: ainode's own efficiency policy set this power cap; change or turn off the profile if the slowdown is unwanted";
  }
  if (cause == "ecc_errors" && has("gpu.remapped_rows_failure")) {
    return "row remapping failed: drain the node and start NVIDIA's RMA process (field diagnostic first)";
  }
  static const std::pair<const char*, const char*> actions[] = {
      {"thermal", "check cooling: fans, inlet temperature, airflow and heatsink; move work off the GPU until it cools"},
      {"power_cap", "an external power limit is below the board default: check the BMC, datacenter power capping or another tool setting nvidia-smi -pl"},
      {"hw_slowdown", "hardware slowdown or power brake: check the power supplies and the BMC's power-brake signal; contact the vendor if it persists"},
      {"pcie_link_degraded", "the PCIe link trained down or replays: reseat the GPU or riser, check the slot; a GPU reset retrains the link"},
      {"nvlink_errors", "NVLink errors: follow NVIDIA's NVLink error workflow (check the links with nvidia-smi nvlink -e, reset the GPU, then the fabric)"},
      {"ecc_errors", "memory errors: drain the GPU and reset it to apply pending row remaps; watch for recurrence (NVIDIA XID 48 workflow)"},
      {"gpu_lost", "the GPU fell off the bus: drain the node and reboot it; contact support if it recurs (NVIDIA XID 79)"},
      {"network_retransmits", "TCP retransmits: check the NIC, cable and switch port counters, and the path's congestion"},
      {"infiniband_errors", "InfiniBand port errors: check the cable and transceiver, the switch port, and the fabric manager's view of the link"},
      {"cpu_contention", "CPU contention: find the noisy neighbour in the evidence and move or limit it (CPU requests and limits)"},
      {"memory_pressure", "memory pressure: find the process or pod growing, set memory limits, or add memory headroom"},
      {"disk_io", "slow disk I/O: check the device's health and queue, and which workload saturates it"},
      {"oom_kill", "the OOM killer ran: raise the memory limit of the killed container or reduce its memory use"},
      {"pod_eviction", "the pod was evicted: check the kubelet's eviction reason (node pressure, preemption) and the pod's priority"},
      {"pod_restart", "the pod's container restarted: check its logs and exit code (kubectl logs --previous)"},
      {"unknown", "throughput fell with no cause ainode can see: check the workload itself (input pipeline, stragglers, code changes)"},
  };
  for (const auto& [name, action] : actions) {
    if (cause == name) return action;
  }
  return "investigate";
}

}  // namespace ainode::aiops
