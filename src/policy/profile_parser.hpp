#pragma once
// Parses EfficiencyProfile YAML (one profile per document; `---` separates
// several in one file). Pure: no file is opened, `file` only names the
// source in errors. Every problem is collected (not just the first), each
// with the file, the 1-based line and the key path, so `ainode policy check`
// shows an operator everything to fix in one run.
#include <string>
#include <string_view>
#include <vector>

#include "policy/profile.hpp"

namespace ainode {

struct ProfileParseResult {
  std::vector<EfficiencyProfile> profiles;  // the documents without errors, in file order
  std::vector<ProfileError> errors;         // empty = the whole file is valid
  std::size_t documents = 0;                // non-empty documents seen

  bool ok() const { return errors.empty(); }
};

ProfileParseResult parse_profile(std::string_view yaml, const std::string& file);

}  // namespace ainode
