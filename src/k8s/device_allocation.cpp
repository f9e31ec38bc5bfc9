#include "k8s/device_allocation.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"

namespace ainode {

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "domain:bus:device.function" with a domain of 4 or 8 hex digits (NVML
// writes 8, sysfs and device plugins 4) -> 4-digit domain, lowercase.
std::optional<std::string> pci_key(std::string_view id) {
  auto parts = text::split(id, ':');
  if (parts.size() != 3 || parts[1].size() != 2 || parts[2].size() != 4 || parts[2][2] != '.') return std::nullopt;
  std::string_view domain = parts[0];
  if (domain.size() != 4 && domain.size() != 8) return std::nullopt;
  if (domain.size() == 8) {
    if (domain.substr(0, 4) != "0000") return std::nullopt;
    domain.remove_prefix(4);
  }
  std::string key = lowercase(domain) + ":" + lowercase(parts[1]) + ":" + lowercase(parts[2]);
  bool hex = std::all_of(key.begin(), key.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; });
  return hex ? std::optional(key) : std::nullopt;
}

}  // namespace

std::string device_key(std::string_view device_id, std::optional<unsigned>* replica) {
  if (replica) replica->reset();
  if (auto separator = device_id.rfind("::"); separator != std::string_view::npos) {
    if (auto n = text::to_u64(device_id.substr(separator + 2)); n && replica) *replica = static_cast<unsigned>(*n);
    device_id = device_id.substr(0, separator);
  }
  if (auto pci = pci_key(device_id)) return *pci;
  return lowercase(device_id);
}

bool is_gpu_resource(std::string_view resource, const std::vector<std::string>& gpu_resources) {
  return std::any_of(gpu_resources.begin(), gpu_resources.end(), [&](const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*') return resource.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
    return resource == pattern;
  });
}

const std::vector<DeviceHolder>* GpuAllocations::find(std::string_view uuid_or_pci) const {
  auto found = holders.find(device_key(uuid_or_pci));
  return found == holders.end() ? nullptr : &found->second;
}

GpuAllocations map_gpu_allocations(const PodResourcesList& list, const std::optional<AllocatableDevices>& allocatable,
                                   const std::vector<std::string>& gpu_resources) {
  GpuAllocations out;
  for (const auto& container : list.containers) {
    for (const auto& allocation : container.devices) {
      if (!is_gpu_resource(allocation.resource, gpu_resources)) continue;
      for (const auto& id : allocation.device_ids) {
        DeviceHolder holder{container.namespace_name, container.pod, container.container, allocation.resource, {}};
        out.holders[device_key(id, &holder.replica)].push_back(std::move(holder));
        out.allocated[allocation.resource] += 1;
      }
    }
  }
  if (allocatable) {
    out.allocatable_known = true;
    for (const auto& [resource, ids] : allocatable->by_resource) {
      if (!is_gpu_resource(resource, gpu_resources)) continue;
      out.allocatable[resource] = static_cast<double>(ids.size());
      out.allocated.try_emplace(resource, 0.0);  // "0 of 8 allocated" is worth a series
    }
  }
  return out;
}

}  // namespace ainode
