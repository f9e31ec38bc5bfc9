#pragma once
// The profiles of `policy.dir`: every *.yaml / *.yml file there (not
// recursive, hidden files skipped, as a ConfigMap mount has them), re-read
// when a file's size or mtime changes, one appears or one goes. A file with
// an error keeps the profiles it had before (its last good version) and its
// errors are reported; a profile that contradicts another (validation
// across files) is dropped the same way, the earlier one staying in force.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/profile.hpp"
#include "policy/profile_validation.hpp"

namespace ainode {

struct ProfileFileStatus {
  std::string file;
  bool ok = true;
  std::vector<ProfileError> errors;  // of the last read
  std::size_t profiles = 0;          // in force from this file (its last good version when !ok)
};

struct ProfileDirectoryScan {
  bool changed = false;  // the set of profiles in force may differ from the last scan
  std::vector<ProfileFileStatus> files;
  std::vector<ProfileError> new_errors;  // errors first seen in this scan (to log and publish once)
  std::string directory_error;           // the directory itself cannot be read
};

// {"file","line","key","message","text"} and {"file","ok","profiles","errors"}
// for /v1/policies, the reload answer and the policy_file_invalid event.
nlohmann::json profile_error_json(const ProfileError& error);
nlohmann::json file_status_json(const ProfileFileStatus& status);

class ProfileDirectory {
 public:
  explicit ProfileDirectory(std::string directory);

  // Re-reads what changed (`force`: every file). `devices` are checked with
  // check_device_constraints: a profile the GPUs cannot honour is refused.
  ProfileDirectoryScan scan(bool force, const std::vector<GpuPowerConstraints>& devices);

  // The profiles in force, in file-name then document order.
  const std::vector<EfficiencyProfile>& profiles() const { return profiles_; }
  const std::vector<ProfileFileStatus>& files() const { return last_.files; }
  const std::string& directory() const { return directory_; }

 private:
  struct FileState {
    std::filesystem::file_time_type mtime{};
    std::uintmax_t size = 0;
    std::vector<EfficiencyProfile> good;  // last version without errors
    std::vector<ProfileError> errors;
  };
  std::string directory_;
  std::map<std::string, FileState> files_;  // by path
  std::vector<EfficiencyProfile> profiles_;
  ProfileDirectoryScan last_;
  std::map<std::string, bool> reported_;  // formatted errors already reported
};

}  // namespace ainode
