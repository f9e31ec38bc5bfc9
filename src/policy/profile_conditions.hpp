#pragma once
// One `spec.when` item: a signal from the fixed vocabulary and its
// comparisons. Split from profile_parser.cpp because the per-signal rules
// (units, windows, contradictory ranges) are a concern of their own.
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "policy/profile.hpp"
#include "policy/profile_yaml.hpp"

namespace ainode {

// Reports every problem through `walker`; nullopt when there was one.
std::optional<ProfileCondition> parse_condition(ProfileYamlWalker& walker, const YAML::Node& item,
                                                const std::string& key);

}  // namespace ainode
