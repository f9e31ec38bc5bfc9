#include "policy/profile_validation.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace ainode {

namespace {

std::string where(const EfficiencyProfile& profile, const std::string& key) {
  return profile.file + ":" + std::to_string(profile.line_of(key));
}

std::string watts_text(double watts) {
  std::ostringstream out;
  out << watts << "W";
  return out.str();
}

bool has_wildcard(const std::string& glob) { return glob.find_first_of("*?[\\") != std::string::npos; }

// No model can match both globs when their literal prefixes (before the
// first wildcard) disagree: "H100*" and "A100*". Anything else may overlap.
bool models_may_overlap(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return true;
  if (!has_wildcard(a)) return fnmatch(b.c_str(), a.c_str(), 0) == 0;
  if (!has_wildcard(b)) return fnmatch(a.c_str(), b.c_str(), 0) == 0;
  std::string prefix_a = a.substr(0, a.find_first_of("*?[\\"));
  std::string prefix_b = b.substr(0, b.find_first_of("*?[\\"));
  std::size_t common = std::min(prefix_a.size(), prefix_b.size());
  return prefix_a.compare(0, common, prefix_b, 0, common) == 0;
}

template <class T>
bool intersects(const std::vector<T>& a, const std::vector<T>& b) {
  return std::any_of(a.begin(), a.end(), [&](const T& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

// GPU lists: provably disjoint only when both name GPUs the same way (an
// index and a UUID may be the same GPU).
bool gpu_lists_may_overlap(const ProfileSelector& a, const ProfileSelector& b) {
  if (a.all_gpus || b.all_gpus) return true;
  bool a_uuids_only = a.gpu_indices.empty(), b_uuids_only = b.gpu_indices.empty();
  bool a_indices_only = a.gpu_uuids.empty(), b_indices_only = b.gpu_uuids.empty();
  if (intersects(a.gpu_indices, b.gpu_indices) || intersects(a.gpu_uuids, b.gpu_uuids)) return true;
  return !((a_indices_only && b_indices_only) || (a_uuids_only && b_uuids_only));
}

// The knobs an action sets; two profiles conflict on a shared knob.
std::vector<std::pair<std::string, std::string>> knobs(const EfficiencyProfile& profile) {
  std::vector<std::pair<std::string, std::string>> result;  // knob, key
  const auto& then = profile.then;
  if (then.power_limit) result.emplace_back("power limit", "spec.then.power_limit");
  if (then.power_budget) result.emplace_back("power limit", "spec.then.power_budget");
  if (then.locked_clocks) result.emplace_back("locked graphics clocks", "spec.then.locked_clocks");
  if (then.memory_locked_clocks) result.emplace_back("locked memory clocks", "spec.then.memory_locked_clocks");
  if (then.application_clocks) result.emplace_back("application clocks", "spec.then.application_clocks");
  return result;
}

ProfileError error_at(const EfficiencyProfile& profile, const std::string& key, std::string message) {
  return ProfileError{profile.file, profile.line_of(key), key, std::move(message)};
}

}  // namespace

bool selectors_may_overlap(const ProfileSelector& a, const ProfileSelector& b) {
  // A node-level profile covers every GPU of the node.
  if (a.node || b.node) return true;
  if (!gpu_lists_may_overlap(a, b)) return false;
  if (!models_may_overlap(a.model, b.model)) return false;
  if (a.mig && b.mig && *a.mig != *b.mig) return false;
  if (!a.namespace_name.empty() && !b.namespace_name.empty() && a.namespace_name != b.namespace_name) return false;
  for (const auto& [label, value] : a.pod_labels) {
    auto other = b.pod_labels.find(label);
    if (other != b.pod_labels.end() && other->second != value) return false;
  }
  return true;
}

bool selector_may_select(const ProfileSelector& selector, const GpuPowerConstraints& gpu) {
  if (selector.node || selector.all_gpus) {
    // Narrowed by model only; the rest is not known offline.
  } else {
    bool by_index = std::find(selector.gpu_indices.begin(), selector.gpu_indices.end(), gpu.index) != selector.gpu_indices.end();
    bool by_uuid = !gpu.uuid.empty() &&
                   std::find(selector.gpu_uuids.begin(), selector.gpu_uuids.end(), gpu.uuid) != selector.gpu_uuids.end();
    bool uuid_unknown = gpu.uuid.empty() && !selector.gpu_uuids.empty();
    if (!by_index && !by_uuid && !uuid_unknown) return false;
  }
  if (!selector.model.empty() && !gpu.model.empty() && fnmatch(selector.model.c_str(), gpu.model.c_str(), 0) != 0) {
    return false;
  }
  return true;
}

std::vector<ProfileError> validate_profiles(const std::vector<EfficiencyProfile>& profiles) {
  std::vector<ProfileError> errors;
  std::map<std::string, const EfficiencyProfile*> by_name;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const auto& profile = profiles[i];
    auto [first, inserted] = by_name.emplace(profile.name, &profile);
    if (!inserted) {
      errors.push_back(error_at(profile, "metadata.name",
                                "duplicate profile name '" + profile.name + "' (also at " + where(*first->second, "metadata.name") + ")"));
    }
    if (profile.mode != PolicyMode::enforce) continue;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& earlier = profiles[j];
      if (earlier.mode != PolicyMode::enforce || earlier.priority != profile.priority) continue;
      if (!selectors_may_overlap(earlier.selector, profile.selector)) continue;
      for (const auto& [knob, key] : knobs(profile)) {
        for (const auto& [earlier_knob, earlier_key] : knobs(earlier)) {
          if (knob != earlier_knob) continue;
          errors.push_back(error_at(profile, key,
                                    "contradicts profile '" + earlier.name + "' (" + where(earlier, earlier_key) +
                                        "): both enforce the " + knob + " on the same GPUs at priority " +
                                        std::to_string(profile.priority) + "; give one a higher priority or disjoint selectors"));
        }
      }
    }
  }
  return errors;
}

std::vector<ProfileError> check_device_constraints(const std::vector<EfficiencyProfile>& profiles,
                                                   const std::vector<GpuPowerConstraints>& gpus) {
  std::vector<ProfileError> errors;
  for (const auto& profile : profiles) {
    // One error per key: the first GPU that refuses the value names the range.
    std::map<std::string, bool> reported;
    auto check = [&](const std::string& key, double watts, const GpuPowerConstraints& gpu, const std::string& what) {
      if (reported[key] || (watts >= gpu.min_watts && watts <= gpu.max_watts)) return;
      reported[key] = true;
      errors.push_back(error_at(profile, key,
                                what + " " + watts_text(watts) + " is outside GPU " + std::to_string(gpu.index) +
                                    "'s power limit range " + watts_text(gpu.min_watts) + "-" + watts_text(gpu.max_watts)));
    };
    std::size_t selected = 0;
    double minimum_sum = 0;
    for (const auto& gpu : gpus) {
      if (!selector_may_select(profile.selector, gpu)) continue;
      ++selected;
      const auto& then = profile.then;
      if (then.power_limit && then.power_limit->watts) check("spec.then.power_limit", *then.power_limit->watts, gpu, "power_limit");
      if (then.power_limit && then.power_limit->percent_of_default && gpu.default_watts) {
        check("spec.then.power_limit", *then.power_limit->percent_of_default / 100 * *gpu.default_watts, gpu, "power_limit (of the default)");
      }
      if (profile.floor_watts) check("spec.floor_watts", *profile.floor_watts, gpu, "floor_watts");
      if (then.power_budget && then.power_budget->min_watts_per_gpu > 0) {
        check("spec.then.power_budget.min_watts_per_gpu", then.power_budget->min_watts_per_gpu, gpu, "min_watts_per_gpu");
      }
      minimum_sum += std::max(gpu.min_watts, then.power_budget ? then.power_budget->min_watts_per_gpu : 0.0);
    }
    const auto& budget = profile.then.power_budget;
    if (budget && budget->envelope_watts && selected > 0 && *budget->envelope_watts < minimum_sum) {
      errors.push_back(error_at(profile, "spec.then.power_budget.envelope_watts",
                                "envelope " + watts_text(*budget->envelope_watts) + " is below the " +
                                    watts_text(minimum_sum) + " the " + std::to_string(selected) +
                                    " GPUs need at their minimum"));
    }
  }
  return errors;
}

}  // namespace ainode
