#pragma once
// A walker over yaml-cpp nodes that collects errors instead of throwing, for
// the profile parser. src/web/web_config.cpp stops at the first problem (a
// web config is small and refused whole); a profile check should list every
// problem in a file at once, so these helpers record and carry on.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.hpp"
#include "policy/profile.hpp"

namespace ainode {

// YAML::LoadAll, guarded: yaml-cpp 0.7's LoadAll loops forever, growing
// memory, on some invalid input (",x": a flow entry in block context is
// never consumed, so every call yields another empty document at the same
// place). Found by fuzz/profile_fuzz.cpp. A first pass over the parser's
// events stops when a document starts where the previous one did, and
// throws YAML::ParserException at that mark; only then is LoadAll called.
std::vector<YAML::Node> load_all_documents(const std::string& text);

// 1-based line of a node, 0 when yaml-cpp has no mark (a missing node).
int yaml_line(const YAML::Node& node);

class ProfileYamlWalker {
 public:
  ProfileYamlWalker(const std::string& file, std::vector<ProfileError>& errors) : file_(file), errors_(errors) {}

  void error(int line, const std::string& key, std::string message);
  void error(const YAML::Node& at, const std::string& key, std::string message) {
    error(yaml_line(at), key, std::move(message));
  }
  std::size_t error_count() const { return errors_.size(); }

  using Visit = std::function<void(const std::string& name, const std::string& key, const YAML::Node& value, int line)>;
  // Each entry of a mapping with its full key ("spec.then.power_limit");
  // non-string and duplicate keys are reported (yaml-cpp keeps both copies
  // of a duplicate, which would make the later one win silently).
  // Returns false when `map` is not a mapping (reported).
  bool for_each_entry(const YAML::Node& map, const std::string& prefix, const Visit& visit);

  std::optional<std::string> scalar(const YAML::Node& value, const std::string& key);
  std::optional<bool> boolean(const YAML::Node& value, const std::string& key);
  std::optional<std::int64_t> integer(const YAML::Node& value, const std::string& key, std::int64_t min,
                                      std::int64_t max);
  std::optional<double> number(const YAML::Node& value, const std::string& key);
  // Prometheus-style durations through config/duration.hpp ("30s", "5m").
  std::optional<Duration> duration(const YAML::Node& value, const std::string& key);
  std::optional<std::map<std::string, std::string>> string_map(const YAML::Node& value, const std::string& key);

  // "unknown field" with the fields that are allowed there.
  void unknown(int line, const std::string& key, const std::string& allowed);

 private:
  const std::string& file_;
  std::vector<ProfileError>& errors_;
};

}  // namespace ainode
