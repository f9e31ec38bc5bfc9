#include "tui/json_read.hpp"

namespace ainode::tui {

const nlohmann::json* json_at(const nlohmann::json& root, std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = &root;
  for (auto key : path) {
    if (!at->is_object()) return nullptr;
    auto found = at->find(key);
    if (found == at->end()) return nullptr;
    at = &*found;
  }
  return at;
}

std::optional<double> number_at(const nlohmann::json& root, std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = json_at(root, path);
  if (!at || !at->is_number()) return std::nullopt;
  return at->get<double>();
}

std::string text_at(const nlohmann::json& root, std::initializer_list<std::string_view> path, std::string fallback) {
  const nlohmann::json* at = json_at(root, path);
  if (!at || !at->is_string()) return fallback;
  return at->get<std::string>();
}

std::optional<bool> flag_at(const nlohmann::json& root, std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = json_at(root, path);
  if (!at || !at->is_boolean()) return std::nullopt;
  return at->get<bool>();
}

const nlohmann::json& array_at(const nlohmann::json& root, std::initializer_list<std::string_view> path) {
  static const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* at = json_at(root, path);
  return at && at->is_array() ? *at : empty;
}

}  // namespace ainode::tui
