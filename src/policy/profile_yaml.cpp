#include "policy/profile_yaml.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "config/duration.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {

// Sees only where each document starts.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> last_start;
  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  // Every real document consumes input, so there are at most size + 1.
  for (std::size_t documents = 0;; ++documents) {
    std::optional<YAML::Mark> previous = starts.last_start;
    if (!parser.HandleNextDocument(starts)) break;
    bool stuck = previous && starts.last_start && starts.last_start->pos == previous->pos;
    if (stuck || documents > text.size() + 1) {
      throw YAML::ParserException(starts.last_start.value_or(YAML::Mark::null_mark()), "unexpected content (no progress)");
    }
  }
  return YAML::LoadAll(text);
}

int yaml_line(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

void ProfileYamlWalker::error(int line, const std::string& key, std::string message) {
  errors_.push_back(ProfileError{file_, line, key, std::move(message)});
}

bool ProfileYamlWalker::for_each_entry(const YAML::Node& map, const std::string& prefix, const Visit& visit) {
  if (!map.IsMap()) {
    error(map, prefix, "expected a mapping");
    return false;
  }
  std::set<std::string> seen;
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) {
      error(entry.first, prefix, "keys must be strings");
      continue;
    }
    const std::string& name = entry.first.Scalar();
    std::string key = prefix.empty() ? name : prefix + "." + name;
    if (!seen.insert(name).second) {
      error(entry.first, key, "duplicate field");
      continue;
    }
    visit(name, key, entry.second, yaml_line(entry.first));
  }
  return true;
}

std::optional<std::string> ProfileYamlWalker::scalar(const YAML::Node& value, const std::string& key) {
  if (!value.IsScalar()) {
    error(value, key, value.IsNull() ? "missing value" : "expected a single value, not a list or mapping");
    return std::nullopt;
  }
  return value.Scalar();
}

std::optional<bool> ProfileYamlWalker::boolean(const YAML::Node& value, const std::string& key) {
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    error(value, key, "expected true or false");
    return std::nullopt;
  }
  return result;
}

std::optional<std::int64_t> ProfileYamlWalker::integer(const YAML::Node& value, const std::string& key,
                                                       std::int64_t min, std::int64_t max) {
  auto text = scalar(value, key);
  if (!text) return std::nullopt;
  auto parsed = text::to_i64(*text);
  if (!parsed) {
    error(value, key, "expected an integer, got '" + *text + "'");
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    error(value, key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  return parsed;
}

std::optional<double> ProfileYamlWalker::number(const YAML::Node& value, const std::string& key) {
  auto text = scalar(value, key);
  if (!text) return std::nullopt;
  auto parsed = text::to_double(*text);
  if (!parsed || !std::isfinite(*parsed)) {
    error(value, key, "expected a number, got '" + *text + "'");
    return std::nullopt;
  }
  return parsed;
}

std::optional<Duration> ProfileYamlWalker::duration(const YAML::Node& value, const std::string& key) {
  auto text = scalar(value, key);
  if (!text) return std::nullopt;
  auto parsed = parse_duration(*text);
  if (!parsed) error(value, key, "invalid duration '" + *text + "' (write it like 30s, 5m, 1h30m)");
  return parsed;
}

std::optional<std::map<std::string, std::string>> ProfileYamlWalker::string_map(const YAML::Node& value,
                                                                                const std::string& key) {
  std::map<std::string, std::string> result;
  std::size_t before = error_count();
  bool is_map = for_each_entry(value, key, [&](const std::string& name, const std::string& item_key,
                                               const YAML::Node& item, int) {
    if (auto text = scalar(item, item_key)) result[name] = *text;
  });
  if (!is_map || error_count() != before) return std::nullopt;
  return result;
}

void ProfileYamlWalker::unknown(int line, const std::string& key, const std::string& allowed) {
  error(line, key, "unknown field (expected one of: " + allowed + ")");
}

}  // namespace ainode
