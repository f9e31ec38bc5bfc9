#pragma once
// Lenient field access for the kubelet's JSON answers (/stats/summary,
// /pods): a missing member or one of another type reads as absent, so a
// field a kubelet version leaves out never fails the whole answer.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace ainode::kubelet_json {

using json = nlohmann::json;

inline const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  auto found = object.find(key);
  return found == object.end() ? null : *found;
}

inline std::optional<double> number(const json& object, const char* key) {
  const json& value = member(object, key);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

inline std::string string_of(const json& object, const char* key) {
  const json& value = member(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

}  // namespace ainode::kubelet_json
