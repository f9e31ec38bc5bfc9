#include "app/pods_view.hpp"

#include <map>
#include <tuple>

#include "k8s/device_allocation.hpp"

namespace ainode {

namespace {

using json = nlohmann::json;
using ContainerKey = std::tuple<std::string, std::string, std::string>;  // namespace, pod, container

const json* detail(const Snapshot& snapshot, const char* collector, const char* key) {
  for (const auto& c : snapshot.collectors) {
    if (c.name == collector && c.details && c.details->json().contains(key)) return &c.details->json()[key];
  }
  return nullptr;
}

json& container_entry(std::map<ContainerKey, json>& containers, const ContainerKey& key) {
  auto [it, added] = containers.try_emplace(key);
  if (added) {
    it->second = {{"namespace", std::get<0>(key)}, {"pod", std::get<1>(key)}, {"container", std::get<2>(key)},
                  {"gpus", json::array()}, {"devices", json::array()}, {"processes", json::array()}};
  }
  return it->second;
}

// Device key (device_key()) -> the GPU or MIG device it names.
std::map<std::string, json> gpus_by_device_key(const json* gpus) {
  std::map<std::string, json> out;
  if (gpus == nullptr) return out;
  for (const auto& g : *gpus) {
    json gpu = {{"gpu", g.value("index", 0u)}, {"uuid", g.value("uuid", "")}};
    out[device_key(g.value("uuid", ""))] = gpu;
    if (auto pci = g.value("pci_bus_id", ""); !pci.empty()) out[device_key(pci)] = gpu;
    if (!g.contains("mig") || !g["mig"].contains("instances")) continue;
    for (const auto& instance : g["mig"]["instances"]) {
      for (const auto& m : instance.value("compute_instances", json::array())) {
        json mig = gpu;
        mig["mig_uuid"] = m.value("mig_uuid", "");
        out[device_key(m.value("mig_uuid", ""))] = mig;
      }
    }
  }
  return out;
}

void add_process(std::map<ContainerKey, json>& containers, const json& p, const char* source, const json& gpu) {
  ContainerKey key{p.value("namespace", ""), p.value("pod", ""), p.value("container", "")};
  if (std::get<1>(key).empty()) return;
  json process = {{"pid", p.value("pid", 0)}, {"name", p.value("name", "")}, {"source", source}};
  if (!gpu.is_null()) process["gpu"] = gpu;
  container_entry(containers, key)["processes"].push_back(std::move(process));
}

}  // namespace

json pods_view(const Snapshot& snapshot) {
  std::map<ContainerKey, json> containers;
  const json* gpus = detail(snapshot, "gpu", "gpus");
  auto gpu_of = gpus_by_device_key(gpus);
  if (const json* allocated = detail(snapshot, "kubelet", "pod_devices")) {
    for (const auto& c : *allocated) {
      json& entry = container_entry(containers, {c.value("namespace", ""), c.value("pod", ""), c.value("container", "")});
      for (const auto& d : c["devices"]) {
        for (const auto& id : d["ids"]) {
          std::optional<unsigned> replica;
          auto found = gpu_of.find(device_key(id.get<std::string>(), &replica));
          if (found != gpu_of.end()) {
            json gpu = found->second;
            gpu["resource"] = d.value("resource", "");
            gpu["device_id"] = id;
            if (replica) gpu["replica"] = *replica;
            entry["gpus"].push_back(std::move(gpu));
          } else {
            entry["devices"].push_back({{"resource", d.value("resource", "")}, {"id", id}});
          }
        }
      }
    }
  }
  if (gpus != nullptr) {
    for (const auto& g : *gpus) {
      json gpu = {{"gpu", g.value("index", 0u)}, {"uuid", g.value("uuid", "")}};
      if (g.contains("processes")) {
        for (const auto& p : g["processes"]) add_process(containers, p, "gpu", gpu);
      }
    }
  }
  if (const json* top = detail(snapshot, "processes", "top")) {
    for (const auto& p : *top) add_process(containers, p, "top", nullptr);
  }
  json list = json::array();
  for (auto& [key, entry] : containers) list.push_back(std::move(entry));
  return {{"containers", list}};
}

}  // namespace ainode
