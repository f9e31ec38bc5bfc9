#pragma once
// Checks across profiles and against the devices, on parsed profiles only
// (pure: no NVML, no files). The engine runs them on every reload; `ainode
// policy check` runs them offline.
#include <optional>
#include <string>
#include <vector>

#include "policy/profile.hpp"

namespace ainode {

// Duplicate names (a name identifies a profile in the API, audit and
// metrics), and enforce profiles with the same priority whose selectors may
// select the same GPU and whose actions set the same knob: the engine could
// not tell which one wins, so the tie is refused, naming both files.
// Errors are reported at the later profile.
std::vector<ProfileError> validate_profiles(const std::vector<EfficiencyProfile>& profiles);

// What one GPU allows, as NVML reports it
// (nvmlDeviceGetPowerManagementLimitConstraints, ...DefaultLimit).
struct GpuPowerConstraints {
  unsigned index = 0;
  std::string uuid;   // empty = unknown (offline checks)
  std::string model;  // empty = unknown
  double min_watts = 0;
  double max_watts = 0;
  std::optional<double> default_watts;  // for power_limit: "60%"
};

// Watts a profile asks for on a GPU it may select (power_limit, floor_watts,
// min_watts_per_gpu) outside that GPU's [min, max] are errors; so is a node
// budget below what the selected GPUs need at their minimum.
std::vector<ProfileError> check_device_constraints(const std::vector<EfficiencyProfile>& profiles,
                                                   const std::vector<GpuPowerConstraints>& gpus);

// Whether the selector may select the GPU. Criteria that cannot be known
// from the constraints alone (MIG, namespace, pod labels, an unknown uuid or
// model) count as "may", so the checks err on the side of reporting.
bool selector_may_select(const ProfileSelector& selector, const GpuPowerConstraints& gpu);

// Whether two selectors may select one GPU; false only when provably disjoint.
bool selectors_may_overlap(const ProfileSelector& a, const ProfileSelector& b);

}  // namespace ainode
