#include "policy/profile_directory.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include "core/atomic_file.hpp"
#include "policy/profile_parser.hpp"

namespace ainode {

namespace fs = std::filesystem;

namespace {

bool is_profile_file(const fs::directory_entry& entry) {
  std::string name = entry.path().filename().string();
  if (name.empty() || name.front() == '.') return false;  // ConfigMap's ..data and hidden files
  std::error_code error;
  if (!entry.is_regular_file(error)) return false;  // follows links, as ConfigMap files are
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

}  // namespace

nlohmann::json profile_error_json(const ProfileError& e) {
  return {{"file", e.file}, {"line", e.line}, {"key", e.key}, {"message", e.message}, {"text", format_profile_error(e)}};
}

nlohmann::json file_status_json(const ProfileFileStatus& status) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : status.errors) errors.push_back(profile_error_json(e));
  return {{"file", status.file}, {"ok", status.ok}, {"profiles", status.profiles}, {"errors", errors}};
}

ProfileDirectory::ProfileDirectory(std::string directory) : directory_(std::move(directory)) {}

ProfileDirectoryScan ProfileDirectory::scan(bool force, const std::vector<GpuPowerConstraints>& devices) {
  ProfileDirectoryScan result;
  std::set<std::string> seen;
  std::error_code error;
  fs::directory_iterator it(directory_, error);
  if (error) {
    // No directory: no profiles (the default for a node that has none).
    result.directory_error = error == std::errc::no_such_file_or_directory ? "" : directory_ + ": " + error.message();
  } else {
    for (const auto& entry : it) {
      if (!is_profile_file(entry)) continue;
      std::string path = entry.path().string();
      seen.insert(path);
      std::error_code stat_error;
      auto mtime = fs::last_write_time(entry.path(), stat_error);
      auto size = fs::file_size(entry.path(), stat_error);
      auto found = files_.find(path);
      bool fresh = found == files_.end();
      FileState& state = files_[path];
      if (!force && !fresh && state.mtime == mtime && state.size == size) continue;
      state.mtime = mtime;
      state.size = size;
      result.changed = true;
      std::string why;
      auto text = read_small_file(path, why);
      state.errors.clear();
      if (!text) {
        state.errors.push_back({path, 0, "", why.empty() ? "vanished while reading" : why});
        continue;
      }
      ProfileParseResult parsed = parse_profile(*text, path);
      if (parsed.ok()) {
        state.good = std::move(parsed.profiles);
      } else {
        state.errors = std::move(parsed.errors);
      }
    }
  }
  for (auto f = files_.begin(); f != files_.end();) {
    if (seen.count(f->first) == 0) {
      result.changed = true;  // a removed file takes its profiles with it
      f = files_.erase(f);
    } else {
      ++f;
    }
  }
  if (result.changed || force) {
    // Cross-file and device checks; a refused profile is left out and its
    // error is kept with its file. Earlier files win a contradiction.
    std::vector<EfficiencyProfile> candidates;
    for (const auto& [path, state] : files_) candidates.insert(candidates.end(), state.good.begin(), state.good.end());
    std::map<std::string, std::vector<ProfileError>> cross;  // by file
    std::vector<EfficiencyProfile> accepted;
    for (auto& profile : candidates) {
      std::vector<EfficiencyProfile> trial = accepted;
      trial.push_back(profile);
      auto errors = validate_profiles(trial);
      auto device_errors = check_device_constraints({profile}, devices);
      errors.insert(errors.end(), device_errors.begin(), device_errors.end());
      if (errors.empty()) {
        accepted.push_back(std::move(profile));
      } else {
        auto& list = cross[profile.file];
        list.insert(list.end(), errors.begin(), errors.end());
      }
    }
    profiles_ = std::move(accepted);
    for (auto& [path, state] : files_) {
      ProfileFileStatus status;
      status.file = path;
      status.errors = state.errors;
      auto extra = cross.find(path);
      if (extra != cross.end()) status.errors.insert(status.errors.end(), extra->second.begin(), extra->second.end());
      status.ok = status.errors.empty();
      status.profiles = static_cast<std::size_t>(
          std::count_if(profiles_.begin(), profiles_.end(), [&](const auto& p) { return p.file == path; }));
      result.files.push_back(std::move(status));
    }
  } else {
    result.files = last_.files;
  }
  std::map<std::string, bool> still;
  for (const auto& file : result.files) {
    for (const auto& e : file.errors) {
      std::string text = format_profile_error(e);
      if (!reported_.count(text)) result.new_errors.push_back(e);
      still[text] = true;
    }
  }
  reported_ = std::move(still);
  last_ = result;
  return result;
}

}  // namespace ainode
