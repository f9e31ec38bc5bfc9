#include "policy/ownership.hpp"

#include <cmath>

#include "core/atomic_file.hpp"

namespace ainode {

OwnershipStore::OwnershipStore(std::string path) : path_(std::move(path)) {}

std::optional<std::string> OwnershipStore::load() {
  records_.clear();
  if (path_.empty()) return std::nullopt;
  std::string why;
  auto text = read_small_file(path_, why);
  if (!text) return why.empty() ? std::nullopt : std::optional<std::string>(why);
  auto parsed = parse_ownership_records(*text, path_);
  if (const auto* error = std::get_if<std::string>(&parsed)) return *error;
  for (auto& record : std::get<std::vector<OwnedKnob>>(parsed)) records_[{record.uuid, record.knob}] = record;
  return std::nullopt;
}

const OwnedKnob* OwnershipStore::find(const std::string& uuid, Knob knob) const {
  auto found = records_.find({uuid, knob});
  return found == records_.end() ? nullptr : &found->second;
}

std::vector<OwnedKnob> OwnershipStore::all() const {
  std::vector<OwnedKnob> result;
  for (const auto& [key, record] : records_) result.push_back(record);
  return result;
}

std::optional<std::string> OwnershipStore::put(const OwnedKnob& record) {
  auto previous = records_;
  records_[{record.uuid, record.knob}] = record;
  auto error = save();
  if (error) records_ = std::move(previous);  // memory never claims what the disk does not hold
  return error;
}

std::optional<std::string> OwnershipStore::remove(const std::string& uuid, Knob knob) {
  auto previous = records_;
  records_.erase({uuid, knob});
  auto error = save();
  if (error) records_ = std::move(previous);
  return error;
}

std::optional<std::string> OwnershipStore::save() const {
  if (path_.empty()) return std::nullopt;
  return write_file_atomically(path_, render_ownership_records(all()));
}

std::string_view to_string(OwnershipCheck check) {
  switch (check) {
    case OwnershipCheck::ours: return "ours";
    case OwnershipCheck::driver_reset: return "driver_reset";
    case OwnershipCheck::external_change: return "external_change";
  }
  return "?";
}

OwnershipCheck check_power_ownership(const OwnedKnob& record, double current_watts, std::optional<double> default_watts,
                                     bool identity_changed) {
  constexpr double kTolerance = 0.5;  // NVML rounds to milliwatts, hwmon to microwatts
  if (std::fabs(current_watts - record.set.watts) < kTolerance) return OwnershipCheck::ours;
  if (identity_changed) return OwnershipCheck::driver_reset;
  if (default_watts && std::fabs(current_watts - *default_watts) < kTolerance &&
      std::fabs(record.set.watts - *default_watts) >= kTolerance) {
    return OwnershipCheck::driver_reset;
  }
  return OwnershipCheck::external_change;
}

}  // namespace ainode
