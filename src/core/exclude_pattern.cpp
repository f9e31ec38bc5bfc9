#include "core/exclude_pattern.hpp"

#include <stdexcept>

namespace ainode {

ExcludePattern::ExcludePattern(std::string_view setting_key, const std::string& pattern) : empty_(pattern.empty()) {
  try {
    // Same grammar as the validation in config/settings.cpp.
    regex_.emplace(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    error_ = std::string(setting_key) + ": invalid regular expression '" + pattern + "': " + error.what();
  }
}

void ExcludePattern::require_valid() const {
  if (!regex_) throw std::invalid_argument(error_);
}

bool ExcludePattern::excludes(std::string_view name) const {
  require_valid();
  if (empty_) return false;
  return std::regex_search(name.begin(), name.end(), *regex_);
}

}  // namespace ainode
