#include "app/policy_command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "policy/profile_parser.hpp"
#include "policy/profile_validation.hpp"

namespace ainode {

namespace {

constexpr int kInvalid = 1;
constexpr int kUsage = 2;

std::optional<std::string> read_file(const std::string& path, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return std::nullopt;
  }
  return text.str();
}

// The flags describe one kind of GPU; a half-given description is refused
// rather than checked against made-up limits.
std::optional<std::string> constraint_usage_error(const PolicyCheckOptions& options) {
  bool any = options.gpus || options.min_watts || options.max_watts || options.default_watts;
  if (!any) return std::nullopt;
  if (!options.gpus || !options.min_watts || !options.max_watts) {
    return "--gpus, --min-watts and --max-watts go together";
  }
  if (*options.gpus == 0) return "--gpus must be at least 1";
  if (*options.min_watts <= 0 || *options.max_watts <= 0) return "--min-watts and --max-watts must be positive";
  if (*options.min_watts > *options.max_watts) return "--min-watts is above --max-watts";
  if (options.default_watts && (*options.default_watts < *options.min_watts || *options.default_watts > *options.max_watts)) {
    return "--default-watts must be between --min-watts and --max-watts";
  }
  return std::nullopt;
}

}  // namespace

int run_policy_check(const PolicyCheckOptions& options, std::ostream& out, std::ostream& err) {
  if (auto usage = constraint_usage_error(options)) {
    err << "ainode policy check: " << *usage << "\n";
    return kUsage;
  }
  if (options.files.empty()) {
    err << "ainode policy check: no files given\n";
    return kUsage;
  }
  // A file named twice is checked once (twice would be a duplicate of
  // every profile in it).
  std::vector<std::string> files;
  for (const auto& file : options.files) {
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  std::vector<EfficiencyProfile> profiles;
  std::map<std::string, std::vector<ProfileError>> errors_by_file;
  std::map<std::string, std::size_t> profile_counts;
  for (const auto& file : files) {
    std::string why;
    auto text = read_file(file, why);
    if (!text) {
      err << "ainode policy check: " << file << ": cannot read: " << why << "\n";
      return kUsage;
    }
    auto result = parse_profile(*text, file);
    profile_counts[file] = result.documents;
    auto& errors = errors_by_file[file];
    errors.insert(errors.end(), result.errors.begin(), result.errors.end());
    for (auto& profile : result.profiles) profiles.push_back(std::move(profile));
  }
  // Checks across files run on the valid profiles of all of them: a
  // duplicate name in two files is as fatal to the agent as in one.
  std::vector<ProfileError> cross = validate_profiles(profiles);
  if (options.gpus) {
    std::vector<GpuPowerConstraints> gpus;
    for (unsigned i = 0; i < *options.gpus; ++i) {
      gpus.push_back({i, "", "", *options.min_watts, *options.max_watts, options.default_watts});
    }
    auto device = check_device_constraints(profiles, gpus);
    cross.insert(cross.end(), device.begin(), device.end());
  }
  for (auto& error : cross) errors_by_file[error.file].push_back(std::move(error));

  bool all_valid = true;
  for (const auto& file : files) {
    auto& errors = errors_by_file[file];
    if (errors.empty()) {
      std::size_t count = profile_counts[file];
      out << file << ": ok (" << count << (count == 1 ? " profile)" : " profiles)") << "\n";
      continue;
    }
    all_valid = false;
    std::stable_sort(errors.begin(), errors.end(),
                     [](const ProfileError& a, const ProfileError& b) { return a.line < b.line; });
    for (const auto& error : errors) out << format_profile_error(error) << "\n";
  }
  return all_valid ? 0 : kInvalid;
}

}  // namespace ainode
