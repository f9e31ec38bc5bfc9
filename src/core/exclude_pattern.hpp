#pragma once
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace ainode {

// A configured "*_exclude" regular expression, compiled once. Config loading
// already rejects a pattern that does not compile; a collector built with one
// anyway (a test, a caller that skipped validation) must not take the agent
// down from its constructor, so the error is kept and every collect() that
// asks fails with it, naming the setting: counted and shown in /v1/status like
// any other collector failure.
class ExcludePattern {
 public:
  ExcludePattern(std::string_view setting_key, const std::string& pattern);

  // Throws std::invalid_argument naming the setting when the pattern did not
  // compile.
  void require_valid() const;
  // True when `name` matches anywhere (regex_search, as node_exporter does).
  // An empty pattern excludes nothing: someone who clears the setting means
  // "keep everything", not "drop everything" (which is what an empty regex
  // would match). Throws like require_valid().
  bool excludes(std::string_view name) const;

 private:
  bool empty_;
  std::optional<std::regex> regex_;
  std::string error_;
};

}  // namespace ainode
