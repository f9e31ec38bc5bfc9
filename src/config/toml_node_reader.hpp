#pragma once
// Reading one setting's TOML value of arrays and tables (remote_write.url,
// app.endpoints) with errors that name the file, the line and the setting:
// "ainode.toml:12: app.endpoints: gpus: expected an array".
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "config/settings.hpp"

namespace ainode {

struct TomlNodeReader {
  const std::string& file;
  std::string_view setting;  // "remote_write.url"

  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw ConfigError(file + ":" + std::to_string(node.source().begin.line) + ": " + std::string(setting) + ": " + what);
  }
  std::string string_of(const toml::node& node, std::string_view key) const {
    if (!node.is_string()) fail(node, std::string(key) + ": expected a string");
    return *node.value<std::string>();
  }
  bool bool_of(const toml::node& node, std::string_view key) const {
    if (!node.is_boolean()) fail(node, std::string(key) + ": expected a boolean");
    return *node.value<bool>();
  }
};

}  // namespace ainode
