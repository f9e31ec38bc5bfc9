#pragma once
// Reading the agent's JSON without exceptions: a missing key, a null or a
// value of another type is absent, as an unsupported reading is.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ainode::tui {

// The value at a path of object keys, or nullptr.
const nlohmann::json* json_at(const nlohmann::json& root, std::initializer_list<std::string_view> path);
std::optional<double> number_at(const nlohmann::json& root, std::initializer_list<std::string_view> path);
std::string text_at(const nlohmann::json& root, std::initializer_list<std::string_view> path,
                    std::string fallback = "");
std::optional<bool> flag_at(const nlohmann::json& root, std::initializer_list<std::string_view> path);
// The array at a path, or an empty array.
const nlohmann::json& array_at(const nlohmann::json& root, std::initializer_list<std::string_view> path);

}  // namespace ainode::tui
