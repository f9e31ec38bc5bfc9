#pragma once
// Every configuration key, once: its TOML key, flag, environment variable,
// type, validation and default live in one table, so the four sources can
// never disagree about what a key means (flags > AINODE_* env > TOML > defaults).
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/collector_selection.hpp"
#include "config/config.hpp"

namespace ainode {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ValueKind { string, duration, integer, boolean };

struct Setting {
  std::string key;   // TOML dotted key, e.g. "web.listen_address"
  std::string help;
  ValueKind kind;
  // Parses and validates `raw` into the config; returns an error message
  // (without the key or origin, which the caller adds) or nullopt.
  std::function<std::optional<std::string>(Config&, std::string_view raw)> apply;
  std::function<std::string(const Config&)> show;

  std::string flag() const;         // "--web.listen-address"
  std::string negated_flag() const; // "--no-gpu.k8s-mode", booleans only
  std::string env_variable() const; // "AINODE_WEB_LISTEN_ADDRESS"
};

// The settings table: the fixed keys plus collectors.<name> (boolean) for
// each collector given, so --collector.<name> and --no-collector.<name> exist
// for every built-in collector.
std::vector<Setting> make_settings(const std::vector<CollectorSwitch>& collectors);
const Setting* find_setting(const std::vector<Setting>& settings, std::string_view key);

enum class ValueSource { default_value, file, environment, flag };
std::string_view to_string(ValueSource source);

struct Origin {
  ValueSource source = ValueSource::default_value;
  std::string where;  // "ainode.toml:12", "AINODE_LOG_LEVEL", "--log.level"
};

struct LoadedConfig {
  Config config;
  std::map<std::string, Origin> origins;  // by key; keys absent were defaults
  // AINODE_* variables that match no setting. Not errors: Kubernetes
  // injects AINODE_SERVICE_HOST, AINODE_PORT... for a Service named ainode.
  // They are logged at start-up so a typo is still seen.
  std::vector<std::string> unknown_environment;
};

// Raw values as given on the command line, keyed by setting key. The CLI
// layer collects them; this layer validates them like any other source.
using FlagValues = std::map<std::string, std::string>;

// Loads defaults, then `config_path` (or the default file when present and
// `config_path` is empty), then `environment`, then `flags`. Throws
// ConfigError naming the key, the file and the line (or the variable/flag).
LoadedConfig load_config(const std::vector<Setting>& settings, const std::string& config_path, const std::map<std::string, std::string>& environment,
                         const FlagValues& flags);

// Snapshot of the process environment's AINODE_* variables.
std::map<std::string, std::string> ainode_environment();

// `ainode config show`: TOML that reproduces the effective configuration,
// each value annotated with where it came from.
std::string describe_config(const std::vector<Setting>& settings, const LoadedConfig& loaded);

inline constexpr const char* kDefaultConfigPath = "/etc/ainode/ainode.toml";

// AINODE_* variables that are not settings but are read by a library the
// agent loads: the simulated NVML (src/nvml_sim, loaded with
// --gpu.nvml-library) takes its scenario and frozen clock from these. They
// are known, so start-up does not call them ignored.
inline constexpr const char* kLibraryEnvironment[] = {"AINODE_NVML_SIM_SCENARIO", "AINODE_NVML_SIM_CLOCK_FILE"};

}  // namespace ainode
