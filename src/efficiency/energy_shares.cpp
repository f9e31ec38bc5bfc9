#include "efficiency/energy_shares.hpp"

#include <algorithm>

#include "efficiency/mig_shares.hpp"

namespace ainode {

namespace {

bool pod_holds(const GpuView& gpu, const EnergyClaim& claim) {
  const PodOwner& owner = gpu.reading.owner;
  return owner.pod == claim.pod && owner.namespace_name == claim.namespace_name;
}

// SM utilization of the claim's pod's processes on the GPU; nullopt when
// the pod has no process there with a known utilization.
std::optional<double> pod_sm_share(const GpuView& gpu, const EnergyClaim& claim) {
  std::optional<double> sum;
  for (const auto& process : gpu.reading.processes) {
    if (process.pod != claim.pod || process.namespace_name != claim.namespace_name) continue;
    if (process.sm_utilization_ratio) sum = sum.value_or(0) + *process.sm_utilization_ratio;
  }
  return sum;
}

bool names_gpu(const GpuView& gpu, const EnergyClaim& claim) {
  return std::any_of(claim.gpus.begin(), claim.gpus.end(), [&](const std::string& wanted) {
    return wanted == gpu.reading.uuid || wanted == std::to_string(gpu.reading.index);
  });
}

bool claims_gpu(const GpuView& gpu, const EnergyClaim& claim) {
  if (!claim.pod.empty()) {
    if (pod_holds(gpu, claim)) return true;
    return std::any_of(gpu.reading.processes.begin(), gpu.reading.processes.end(), [&](const GpuProcessReading& p) {
      return p.pod == claim.pod && p.namespace_name == claim.namespace_name;
    });
  }
  return names_gpu(gpu, claim);
}

// A GPU in MIG mode: each MIG device's slice share goes to whoever holds it
// (its pod, or a claim naming the device or its GPU), equally if several do.
void add_mig_shares(const GpuView& gpu, std::span<const EnergyClaim> claims,
                    std::map<std::string, std::vector<EnergyShare>>& out) {
  std::map<std::string, double> device_shares = mig_device_shares(gpu.reading);
  std::vector<double> claimed(claims.size(), 0.0);
  for (const auto& device : gpu.reading.mig_devices) {
    auto share = device_shares.find(device.uuid);
    if (share == device_shares.end()) continue;  // unknown: nobody is charged a guess
    std::vector<std::size_t> holders;
    for (std::size_t i = 0; i < claims.size(); ++i) {
      const EnergyClaim& claim = claims[i];
      bool by_pod = !claim.pod.empty() && device.owner.pod == claim.pod && device.owner.namespace_name == claim.namespace_name;
      bool by_name = names_gpu(gpu, claim) || std::find(claim.gpus.begin(), claim.gpus.end(), device.uuid) != claim.gpus.end();
      if (by_pod || by_name) holders.push_back(i);
    }
    for (std::size_t i : holders) claimed[i] += share->second / static_cast<double>(holders.size());
  }
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (claimed[i] > 0) {
      out[claims[i].endpoint].push_back(EnergyShare{gpu.reading.uuid, std::to_string(gpu.reading.index), claimed[i]});
    }
  }
}

}  // namespace

std::map<std::string, std::vector<EnergyShare>> energy_shares(std::span<const GpuView> gpus,
                                                              std::span<const EnergyClaim> claims) {
  std::map<std::string, std::vector<EnergyShare>> out;
  for (const auto& claim : claims) out[claim.endpoint];
  for (const auto& gpu : gpus) {
    if (gpu.reading.mig_enabled.value_or(false) && !gpu.reading.mig_devices.empty()) {
      add_mig_shares(gpu, claims, out);
      continue;
    }
    std::vector<const EnergyClaim*> claimants;
    for (const auto& claim : claims) {
      if ((!claim.pod.empty() || !claim.gpus.empty()) && claims_gpu(gpu, claim)) claimants.push_back(&claim);
    }
    if (claimants.empty()) continue;
    std::vector<double> weights;
    bool all_known = claimants.size() > 1;
    for (const EnergyClaim* claim : claimants) {
      auto sm = claim->pod.empty() ? std::nullopt : pod_sm_share(gpu, *claim);
      all_known = all_known && sm.has_value();
      weights.push_back(sm.value_or(0));
    }
    double total = 0;
    for (double w : weights) total += w;
    if (!all_known || total <= 0) std::fill(weights.begin(), weights.end(), 1.0), total = static_cast<double>(weights.size());
    for (std::size_t i = 0; i < claimants.size(); ++i) {
      out[claimants[i]->endpoint].push_back(
          EnergyShare{gpu.reading.uuid, std::to_string(gpu.reading.index), weights[i] / total});
    }
  }
  std::vector<std::string> on_node;
  for (const auto& [endpoint, shares] : out) {
    if (shares.empty()) on_node.push_back(endpoint);
  }
  for (const auto& endpoint : on_node) {
    out[endpoint].push_back(EnergyShare{std::string(kNodeEnergySource), "", 1.0 / static_cast<double>(on_node.size())});
  }
  return out;
}

}  // namespace ainode
