#include "config/settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "config/app_toml.hpp"
#include "config/duration.hpp"
#include "config/listen_address.hpp"
#include "config/reserved_paths.hpp"
#include "config/remote_write_toml.hpp"
#include "core/text.hpp"

extern char** environ;

namespace ainode {

namespace {

using Error = std::optional<std::string>;

// Accessors take a mutable Config so one function serves both apply and
// show; show only reads through it (hence the const_casts below).
template <typename T>
using Field = T& (*)(Config&);

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

Setting string_setting(std::string key, std::string help, Field<std::string> field,
                       std::function<Error(std::string_view)> validate = {}) {
  return Setting{std::move(key), std::move(help), ValueKind::string,
                 [field, validate](Config& config, std::string_view raw) -> Error {
                   if (validate) {
                     if (auto error = validate(raw)) return error;
                   }
                   field(config) = std::string(raw);
                   return std::nullopt;
                 },
                 [field](const Config& config) { return quote(field(const_cast<Config&>(config))); }};
}

Setting regex_setting(std::string key, std::string help, Field<std::string> field) {
  return string_setting(std::move(key), std::move(help), field, [](std::string_view raw) -> Error {
    try {
      std::regex compiled{std::string(raw), std::regex::ECMAScript};
    } catch (const std::regex_error& error) {
      return "invalid regular expression '" + std::string(raw) + "': " + error.what();
    }
    return std::nullopt;
  });
}

Setting choice_setting(std::string key, std::string help, Field<std::string> field, std::vector<std::string> choices) {
  std::string listed;
  for (const auto& choice : choices) listed += (listed.empty() ? "" : ", ") + choice;
  help += " One of: " + listed + ".";
  return string_setting(std::move(key), std::move(help), field, [choices](std::string_view raw) -> Error {
    if (std::find(choices.begin(), choices.end(), raw) != choices.end()) return std::nullopt;
    std::string list;
    for (const auto& choice : choices) list += (list.empty() ? "" : "|") + choice;
    return "invalid value '" + std::string(raw) + "' (expected " + list + ")";
  });
}

Setting duration_setting(std::string key, std::string help, Field<Duration> field, Duration min, Duration max) {
  return Setting{std::move(key), std::move(help), ValueKind::duration,
                 [field, min, max](Config& config, std::string_view raw) -> Error {
                   auto value = parse_duration(raw);
                   if (!value) return "invalid duration '" + std::string(raw) + "' (expected e.g. \"500ms\", \"5s\", \"1m\")";
                   if (*value < min || *value > max) {
                     return "duration " + std::string(raw) + " out of range [" + format_duration(min) + ", " +
                            format_duration(max) + "]";
                   }
                   field(config) = *value;
                   return std::nullopt;
                 },
                 [field](const Config& config) { return quote(format_duration(field(const_cast<Config&>(config)))); }};
}

Setting integer_setting(std::string key, std::string help, Field<std::int64_t> field, std::int64_t min,
                        std::int64_t max) {
  return Setting{std::move(key), std::move(help), ValueKind::integer,
                 [field, min, max](Config& config, std::string_view raw) -> Error {
                   auto value = text::to_i64(raw);
                   if (!value) return "invalid integer '" + std::string(raw) + "'";
                   if (*value < min || *value > max) {
                     return "value " + std::string(raw) + " out of range [" + std::to_string(min) + ", " +
                            std::to_string(max) + "]";
                   }
                   field(config) = *value;
                   return std::nullopt;
                 },
                 [field](const Config& config) { return std::to_string(field(const_cast<Config&>(config))); }};
}

std::optional<bool> parse_bool(std::string_view raw) {
  if (raw == "true" || raw == "1") return true;
  if (raw == "false" || raw == "0") return false;
  return std::nullopt;
}

Setting bool_setting(std::string key, std::string help, Field<bool> field) {
  return Setting{std::move(key), std::move(help), ValueKind::boolean,
                 [field](Config& config, std::string_view raw) -> Error {
                   auto value = parse_bool(raw);
                   if (!value) return "invalid boolean '" + std::string(raw) + "' (expected true or false)";
                   field(config) = *value;
                   return std::nullopt;
                 },
                 [field](const Config& config) -> std::string {
                   return field(const_cast<Config&>(config)) ? "true" : "false";
                 }};
}

// Shows what will run, not what was written: without an explicit value the
// collector's own default and collect.disable_defaults decide, and the
// annotation says which of them did.
Setting collector_setting(const CollectorSwitch& collector) {
  std::string name(collector.name);
  bool enabled_by_default = collector.enabled_by_default;
  return Setting{"collectors." + name, "Enable the " + name + " collector.", ValueKind::boolean,
                 [name](Config& config, std::string_view raw) -> Error {
                   auto value = parse_bool(raw);
                   if (!value) return "invalid boolean '" + std::string(raw) + "' (expected true or false)";
                   config.collect.enabled[name] = *value;
                   return std::nullopt;
                 },
                 [name, enabled_by_default](const Config& config) -> std::string {
                   bool enabled = collector_enabled(config.collect, CollectorSwitch{name, enabled_by_default});
                   if (config.collect.enabled.contains(name) || enabled) return enabled ? "true" : "false";
                   if (!enabled_by_default) return "false  # default (off unless enabled)";
                   return "false  # default (collect.disable_defaults)";
                 }};
}

Error validate_listen_address(std::string_view raw) {
  if (parse_listen_address(raw)) return std::nullopt;
  return "invalid listen address '" + std::string(raw) + "' (expected host:port, [ipv6]:port or :port)";
}

Error validate_telemetry_path(std::string_view raw) {
  if (!raw.starts_with('/') || raw.find_first_of(" ?#") != std::string_view::npos) {
    return "invalid path '" + std::string(raw) + "' (must start with '/' and have no query)";
  }
  if (is_reserved_path(raw)) {
    return "path '" + std::string(raw) + "' is a built-in route (/, /healthz, /readyz, /status and /v1/... are reserved)";
  }
  return std::nullopt;
}

Error validate_non_empty(std::string_view raw) {
  if (!raw.empty()) return std::nullopt;
  return std::string("must not be empty");
}

// Converts a TOML value to the raw text the setting parses, so every source
// goes through one validator. Returns nullopt when the TOML type is wrong.
std::optional<std::string> toml_raw(const toml::node& node, ValueKind kind) {
  switch (kind) {
    case ValueKind::string:
    case ValueKind::duration:
      if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
      return std::nullopt;
    case ValueKind::integer:
      if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
      return std::nullopt;
    case ValueKind::boolean:
      if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::string: return "a string";
    case ValueKind::duration: return "a duration string such as \"5s\"";
    case ValueKind::integer: return "an integer";
    case ValueKind::boolean: return "a boolean";
  }
  return "a value";
}

struct TomlLoader {
  const std::vector<Setting>& settings;
  LoadedConfig& loaded;
  std::string file;

  std::string where(const toml::node& node) const {
    return file + ":" + std::to_string(node.source().begin.line);
  }

  bool is_table_prefix(std::string_view prefix) const {
    std::string with_dot = std::string(prefix) + ".";
    return std::any_of(settings.begin(), settings.end(),
                       [&](const Setting& s) { return s.key.starts_with(with_dot); });
  }

  void walk(const toml::table& table, const std::string& prefix) {
    for (const auto& [name, node] : table) {
      std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
      if (const auto* sub = node.as_table(); sub && is_table_prefix(key)) {
        walk(*sub, key);
        continue;
      }
      if (key == "app.endpoints" && node.is_array()) {
        // Model servers: an array of URLs or of tables with url, pod, gpus.
        loaded.config.app.endpoints = parse_app_endpoints(*node.as_array(), file);
        loaded.origins[key] = Origin{ValueSource::file, where(node)};
        continue;
      }
      if (key == "remote_write.url" && node.is_array()) {
        // The one repeatable key: an array of receivers (strings or tables).
        loaded.config.remote_write.endpoints = parse_remote_write_endpoints(*node.as_array(), file);
        loaded.origins[key] = Origin{ValueSource::file, where(node)};
        continue;
      }
      const Setting* setting = find_setting(settings, key);
      if (setting == nullptr) throw ConfigError(where(node) + ": unknown key '" + key + "'");
      auto raw = toml_raw(node, setting->kind);
      if (!raw) throw ConfigError(where(node) + ": " + key + ": expected " + std::string(kind_name(setting->kind)));
      if (auto error = setting->apply(loaded.config, *raw)) throw ConfigError(where(node) + ": " + key + ": " + *error);
      loaded.origins[key] = Origin{ValueSource::file, where(node)};
    }
  }
};

void load_file(const std::vector<Setting>& settings, const std::string& path, LoadedConfig& loaded) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << path << ":" << error.source().begin.line << ": " << error.description();
    throw ConfigError(message.str());
  }
  TomlLoader{settings, loaded, path}.walk(table, "");
  loaded.config.config_file = path;
}

// state.*, buffer.* and remote_write.* (docs/buffer.md, docs/remote-write.md).
std::vector<Setting> data_plane_settings() {
  return {
      Setting{"state.dir",
              "State directory (buffer, send positions); empty = /var/lib/ainode, or $XDG_STATE_HOME/ainode "
              "(~/.local/state/ainode) when that is not writable.",
              ValueKind::string,
              [](Config& c, std::string_view raw) -> Error {
                c.state.dir = std::string(raw);
                return std::nullopt;
              },
              [](const Config& c) {
                return c.state.dir.empty() ? quote("") + "  # /var/lib/ainode, else $XDG_STATE_HOME/ainode"
                                           : quote(c.state.dir);
              }},
      bool_setting("buffer.enable", "Keep every collected cycle in the on-disk buffer (query_range, remote_write).",
                   [](Config& c) -> bool& { return c.buffer.enable; }),
      integer_setting("buffer.max_bytes", "Largest size of the buffer; the oldest cycles are dropped beyond it.",
                      [](Config& c) -> std::int64_t& { return c.buffer.max_bytes; }, 1 << 20, 1LL << 40),
      duration_setting("buffer.max_age", "Cycles older than this are dropped from the buffer.",
                       [](Config& c) -> Duration& { return c.buffer.max_age; }, std::chrono::minutes(1),
                       std::chrono::hours(24 * 365)),
      Setting{"remote_write.url",
              "Prometheus remote_write receivers, comma-separated (in TOML: an array of strings or of tables "
              "with url, basic_auth, bearer_token_file, headers, tls, external_labels).",
              ValueKind::string,
              [](Config& c, std::string_view raw) -> Error {
                c.remote_write.endpoints.clear();
                for (const auto& url : text::split_list(raw)) {
                  if (auto error = validate_remote_write_url(url)) return error;
                  RemoteWriteEndpoint endpoint;
                  endpoint.url = url;
                  c.remote_write.endpoints.push_back(std::move(endpoint));
                }
                return std::nullopt;
              },
              [](const Config& c) {
                std::string urls;
                for (const auto& e : c.remote_write.endpoints) urls += (urls.empty() ? "" : ",") + e.url;
                return quote(urls);
              }},
      duration_setting("remote_write.max_sample_age",
                       "Samples older than this are dropped, not sent or retried (receivers reject them).",
                       [](Config& c) -> Duration& { return c.remote_write.max_sample_age; }, std::chrono::minutes(1),
                       std::chrono::hours(24 * 365)),
      integer_setting("remote_write.max_samples_per_second", "Send rate bound per receiver (replay after an outage).",
                      [](Config& c) -> std::int64_t& { return c.remote_write.max_samples_per_second; }, 1,
                      100'000'000),
      integer_setting("remote_write.max_samples_per_send", "Samples per request at most (whole cycles are sent).",
                      [](Config& c) -> std::int64_t& { return c.remote_write.max_samples_per_send; }, 1, 10'000'000),
      duration_setting("remote_write.timeout", "Deadline of one remote_write request.",
                       [](Config& c) -> Duration& { return c.remote_write.timeout; }, Duration(100),
                       std::chrono::minutes(10)),
      duration_setting("remote_write.min_backoff", "First retry delay after a failed send (doubled each retry).",
                       [](Config& c) -> Duration& { return c.remote_write.min_backoff; }, Duration(1),
                       std::chrono::minutes(10)),
      duration_setting("remote_write.max_backoff", "Longest retry delay.",
                       [](Config& c) -> Duration& { return c.remote_write.max_backoff; }, Duration(1),
                       std::chrono::hours(1)),
  };
}

// app.* (docs/model-efficiency.md).
std::vector<Setting> app_settings() {
  return {
      Setting{"app.endpoints",
              "Model servers' /metrics URLs for the app collector (tokens per joule), comma-separated; in TOML an "
              "array of URLs or of tables with url and pod = \"namespace/name\" or gpus = [...].",
              ValueKind::string,
              [](Config& c, std::string_view raw) -> Error { return parse_app_endpoint_list(raw, c.app.endpoints); },
              [](const Config& c) {
                std::string urls;
                for (const auto& e : c.app.endpoints) urls += (urls.empty() ? "" : ",") + e.url;
                return quote(urls);
              }},
      bool_setting("app.discover",
                   "Also scrape the model servers of this node's pods annotated ainode.io/metrics-port (port; "
                   "ainode.io/metrics-path and ainode.io/metrics-scheme optional), found through the kubelet's "
                   "/pods at kubelet.url.",
                   [](Config& c) -> bool& { return c.app.discover; }),
      duration_setting("app.timeout", "Deadline of one model-server scrape.",
                       [](Config& c) -> Duration& { return c.app.timeout; }, Duration(100), std::chrono::minutes(1)),
      integer_setting("app.max_body_bytes", "Largest model-server page read; a larger one counts as an error.",
                      [](Config& c) -> std::int64_t& { return c.app.max_body_bytes; }, 4096, 1LL << 30),
      duration_setting("app.window", "Window of ainode_model_tokens_per_joule and ainode_model_requests_per_joule.",
                       [](Config& c) -> Duration& { return c.app.window; }, std::chrono::seconds(10),
                       std::chrono::hours(24)),
  };
}

}  // namespace

std::string Setting::flag() const {
  std::string out = "--" + key;
  std::replace(out.begin() + 2, out.end(), '_', '-');
  // collectors.cpu -> --collector.cpu, the node_exporter spelling.
  if (key.starts_with("collectors.")) out = "--collector." + key.substr(std::string("collectors.").size());
  // Every Prometheus exporter spells this one --web.config.file.
  if (key == "web.config_file") out = "--web.config.file";
  return out;
}

std::string Setting::negated_flag() const { return "--no-" + flag().substr(2); }

std::string Setting::env_variable() const {
  std::string base = key.starts_with("collectors.") ? "collector." + key.substr(11) : key;
  std::string out = "AINODE_";
  for (char c : base) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

std::string_view to_string(ValueSource source) {
  switch (source) {
    case ValueSource::default_value: return "default";
    case ValueSource::file: return "file";
    case ValueSource::environment: return "env";
    case ValueSource::flag: return "flag";
  }
  return "?";
}

std::vector<Setting> make_settings(const std::vector<CollectorSwitch>& collectors) {
  std::vector<Setting> settings = {
      string_setting("web.listen_address", "Address to serve /metrics and the JSON API on.",
                     [](Config& c) -> std::string& { return c.web.listen_address; }, validate_listen_address),
      string_setting("web.telemetry_path", "Path under which to expose metrics.",
                     [](Config& c) -> std::string& { return c.web.telemetry_path; }, validate_telemetry_path),
      integer_setting("web.max_connections", "Open connections beyond which new ones are refused.",
                      [](Config& c) -> std::int64_t& { return c.web.max_connections; }, 1, 1'000'000),
      duration_setting("web.read_timeout", "Time a client has to send a whole request; slower clients are dropped.",
                       [](Config& c) -> Duration& { return c.web.read_timeout; }, Duration(100),
                       std::chrono::minutes(10)),
      integer_setting("web.max_request_bytes", "Largest request line plus headers accepted.",
                      [](Config& c) -> std::int64_t& { return c.web.max_request_bytes; }, 1024, 1 << 20),
      integer_setting("web.max_header_count", "Most request headers accepted.",
                      [](Config& c) -> std::int64_t& { return c.web.max_header_count; }, 8, 1000),
      string_setting("web.config_file",
                     "Prometheus exporter-toolkit web config (TLS, client certificates, basic auth); see docs/security.md.",
                     [](Config& c) -> std::string& { return c.web.config_file; }),
      string_setting("path.procfs", "procfs mountpoint.", [](Config& c) -> std::string& { return c.path.procfs; },
                     validate_non_empty),
      string_setting("path.sysfs", "sysfs mountpoint.", [](Config& c) -> std::string& { return c.path.sysfs; },
                     validate_non_empty),
      string_setting("path.rootfs", "Root of the host filesystem (for filesystem statistics).",
                     [](Config& c) -> std::string& { return c.path.rootfs; }, validate_non_empty),
      duration_setting("collect.interval", "Time between collection cycles.",
                       [](Config& c) -> Duration& { return c.collect.interval; }, Duration(100), std::chrono::hours(1)),
      duration_setting("collect.timeout", "Deadline of one collector run (0 = the interval).",
                       [](Config& c) -> Duration& { return c.collect.timeout; }, Duration(0), std::chrono::hours(1)),
      bool_setting("collect.keep_files_open",
                   "Keep procfs/sysfs files read every cycle open and re-read them from offset 0 (fewer syscalls).",
                   [](Config& c) -> bool& { return c.collect.keep_files_open; }),
      bool_setting("collect.disable_defaults", "Run only the collectors enabled explicitly (--collector.<name>).",
                   [](Config& c) -> bool& { return c.collect.disable_defaults; }),
      choice_setting("log.level", "Log level.", [](Config& c) -> std::string& { return c.log.level; },
                     {"trace", "debug", "info", "warn", "error", "off"}),
      choice_setting("log.format", "Log format.", [](Config& c) -> std::string& { return c.log.format; },
                     {"text", "json"}),
      integer_setting("processes.top_n", "Processes exported per ranking (CPU, memory).",
                      [](Config& c) -> std::int64_t& { return c.processes.top_n; }, 0, 1000),
      regex_setting("filesystem.mount_points_exclude", "Regex of mount points to ignore.",
                    [](Config& c) -> std::string& { return c.filesystem.mount_points_exclude; }),
      regex_setting("filesystem.fs_types_exclude", "Regex of filesystem types to ignore.",
                    [](Config& c) -> std::string& { return c.filesystem.fs_types_exclude; }),
      duration_setting("filesystem.statfs_timeout", "Time after which a statfs call counts as hung.",
                       [](Config& c) -> Duration& { return c.filesystem.statfs_timeout; }, Duration(10),
                       std::chrono::minutes(1)),
      regex_setting("disk.device_exclude", "Regex of block devices to ignore.",
                    [](Config& c) -> std::string& { return c.disk.device_exclude; }),
      regex_setting("network.device_exclude", "Regex of network interfaces to ignore.",
                    [](Config& c) -> std::string& { return c.network.device_exclude; }),
      integer_setting("power.node_envelope_watts", "Node power budget in watts (0 = none).",
                      [](Config& c) -> std::int64_t& { return c.power.node_envelope_watts; }, 0, 1'000'000),
      string_setting("policy.dir",
                     "Directory of efficiency profiles (*.yaml, *.yml), re-read when they change and on reload; "
                     "missing = no profiles.",
                     [](Config& c) -> std::string& { return c.policy.dir; }),
      bool_setting("control.allow_remote",
                   "Accept control requests (/v1/control/*) from non-loopback peers, with the token or a client "
                   "certificate.",
                   [](Config& c) -> bool& { return c.control.allow_remote; }),
      string_setting("control.token_file", "File holding the control API's bearer token (re-read on reload).",
                     [](Config& c) -> std::string& { return c.control.token_file; }),
      string_setting("control.audit_log", "Audit log of control actions (default <state.dir>/audit.log).",
                     [](Config& c) -> std::string& { return c.control.audit_log; }),
      integer_setting("control.audit_max_bytes", "Size in bytes at which the audit log is rotated.",
                      [](Config& c) -> std::int64_t& { return c.control.audit_max_bytes; }, 4096,
                      std::int64_t{1} << 40),
      integer_setting("control.audit_keep", "Rotated audit log files kept.",
                      [](Config& c) -> std::int64_t& { return c.control.audit_keep; }, 0, 1000),
      integer_setting("events.ring_size", "Events kept for replay (Last-Event-ID) and /v1/events/recent.",
                      [](Config& c) -> std::int64_t& { return c.events.ring_size; }, 16, 1'000'000),
      integer_setting("events.client_queue_bytes",
                      "Bytes queued for one event-stream client before it is dropped as too slow.",
                      [](Config& c) -> std::int64_t& { return c.events.client_queue_bytes; }, 4096, 64 << 20),
      duration_setting("events.heartbeat_interval", "Time between heartbeat comments on an idle event stream.",
                       [](Config& c) -> Duration& { return c.events.heartbeat_interval; }, Duration(100),
                       std::chrono::minutes(10)),
      duration_setting("events.write_timeout", "Time an event-stream client may take to accept bytes before it is "
                       "dropped.",
                       [](Config& c) -> Duration& { return c.events.write_timeout; }, Duration(100),
                       std::chrono::minutes(10)),
      bool_setting("k8s.attribution",
                   "Label process and GPU process series with their Kubernetes namespace, pod and container.",
                   [](Config& c) -> bool& { return c.k8s.attribution; }),
      bool_setting("k8s.gpu_pod_labels",
                   "Label GPU and MIG device series with the Kubernetes container they are allocated to.",
                   [](Config& c) -> bool& { return c.k8s.gpu_pod_labels; }),
      string_setting("k8s.gpu_resource_names",
                     "Kubernetes resources counted as GPUs, comma-separated; a trailing * matches a prefix.",
                     [](Config& c) -> std::string& { return c.k8s.gpu_resource_names; }, validate_non_empty),
      string_setting("kubelet.pod_resources_socket", "The kubelet's PodResources API socket.",
                     [](Config& c) -> std::string& { return c.kubelet.pod_resources_socket; }, validate_non_empty),
      duration_setting("kubelet.pod_resources_interval", "Time between PodResources queries.",
                       [](Config& c) -> Duration& { return c.kubelet.pod_resources_interval; },
                       std::chrono::seconds(1), std::chrono::hours(1)),
      duration_setting("kubelet.pod_resources_timeout", "Deadline of one PodResources call.",
                       [](Config& c) -> Duration& { return c.kubelet.pod_resources_timeout; }, Duration(100),
                       std::chrono::minutes(1)),
      integer_setting("kubelet.pod_resources_max_message_bytes", "Largest PodResources answer accepted.",
                      [](Config& c) -> std::int64_t& { return c.kubelet.pod_resources_max_message_bytes; },
                      4 * 1024 * 1024, 1024 * 1024 * 1024),
      string_setting("kubelet.url", "The kubelet's HTTPS API, for /stats/summary and pod events (empty = off).",
                     [](Config& c) -> std::string& { return c.kubelet.url; }),
      string_setting("kubelet.token_file", "Bearer token for the kubelet API (re-read for every request).",
                     [](Config& c) -> std::string& { return c.kubelet.token_file; }),
      string_setting("kubelet.ca_file", "CA that signed the kubelet's serving certificate.",
                     [](Config& c) -> std::string& { return c.kubelet.ca_file; }),
      bool_setting("kubelet.insecure_skip_verify", "Do not verify the kubelet's certificate (self-signed kubelets).",
                   [](Config& c) -> bool& { return c.kubelet.insecure_skip_verify; }),
      duration_setting("kubelet.interval", "Time between /stats/summary requests.",
                       [](Config& c) -> Duration& { return c.kubelet.interval; }, std::chrono::seconds(1),
                       std::chrono::hours(1)),
      duration_setting("kubelet.timeout", "Deadline of one kubelet API request.",
                       [](Config& c) -> Duration& { return c.kubelet.timeout; }, Duration(100), std::chrono::minutes(1)),
      bool_setting("kubelet.pod_events",
                   "Publish pod events (started, deleted, restarted, OOM-killed, evicted, rescheduled) from the "
                   "kubelet's /pods at kubelet.url.",
                   [](Config& c) -> bool& { return c.kubelet.pod_events; }),
      duration_setting("kubelet.pods_interval", "Time between /pods requests (pod events).",
                       [](Config& c) -> Duration& { return c.kubelet.pods_interval; }, Duration(100),
                       std::chrono::hours(1)),
      string_setting("bmc.device", "In-band IPMI device of the BMC collector (OpenIPMI driver).",
                     [](Config& c) -> std::string& { return c.bmc.device; }, validate_non_empty),
      duration_setting("bmc.interval", "Time between DCMI power readings from the BMC.",
                       [](Config& c) -> Duration& { return c.bmc.interval; }, std::chrono::seconds(1),
                       std::chrono::hours(1)),
      duration_setting("bmc.timeout", "Time after which an unanswered BMC request counts as stuck.",
                       [](Config& c) -> Duration& { return c.bmc.timeout; }, Duration(100), std::chrono::minutes(1)),
      string_setting("gpu.nvml_library", "NVML library to load (path or soname).",
                     [](Config& c) -> std::string& { return c.gpu.nvml_library; }, validate_non_empty),
      bool_setting("gpu.kmsg_xids", "Also read XIDs from the kernel log (NVML misses some, e.g. 79, 119, 120).",
                   [](Config& c) -> bool& { return c.gpu.kmsg_xids; }),
      string_setting("gpu.kmsg_path", "Kernel log device to read XIDs from (empty = <path.rootfs>/dev/kmsg).",
                     [](Config& c) -> std::string& { return c.gpu.kmsg_path; }),
      bool_setting("gpu.enable_mig", "Read MIG mode, instances and MIG devices.",
                   [](Config& c) -> bool& { return c.gpu.enable_mig; }),
      bool_setting("gpu.enable_events", "Watch NVML events (XID, ECC, clock, power) on a dedicated thread.",
                   [](Config& c) -> bool& { return c.gpu.enable_events; }),
      string_setting("gpu.visible_devices",
                     "GPUs to export: indices or UUIDs, comma-separated; all, none or empty (= NVIDIA_VISIBLE_DEVICES).",
                     [](Config& c) -> std::string& { return c.gpu.visible_devices; }),
      string_setting("gpu.mig_config_devices", "GPUs whose MIG tree is read (= NVIDIA_MIG_CONFIG_DEVICES when empty).",
                     [](Config& c) -> std::string& { return c.gpu.mig_config_devices; }),
      integer_setting("gpu.max_processes", "GPU processes exported per GPU, largest memory first.",
                      [](Config& c) -> std::int64_t& { return c.gpu.max_processes; }, 0, 1000),
      bool_setting("gpu.enable_amd", "Read AMD GPUs from the amdgpu driver's sysfs.",
                   [](Config& c) -> bool& { return c.gpu.enable_amd; }),
      bool_setting("gpu.k8s_mode", "Also export *_compat series labelled by Kubernetes/CDI device name.",
                   [](Config& c) -> bool& { return c.gpu.k8s_mode; }),
      duration_setting("gpu.slow_read_interval",
                       "Least time between reads of PCIe throughput and the energy counter, NVML calls that block "
                       "in the driver (0 = every cycle).",
                       [](Config& c) -> Duration& { return c.gpu.slow_read_interval; }, Duration(0),
                       std::chrono::hours(1)),
  };
  for (auto& setting : data_plane_settings()) settings.push_back(std::move(setting));
  for (auto& setting : app_settings()) settings.push_back(std::move(setting));
  for (const auto& collector : collectors) settings.push_back(collector_setting(collector));
  return settings;
}

const Setting* find_setting(const std::vector<Setting>& settings, std::string_view key) {
  for (const auto& setting : settings) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

std::map<std::string, std::string> ainode_environment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text = *entry;
    if (!text.starts_with("AINODE_")) continue;
    auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    out.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return out;
}

LoadedConfig load_config(const std::vector<Setting>& settings, const std::string& config_path,
                         const std::map<std::string, std::string>& environment, const FlagValues& flags) {
  LoadedConfig loaded;
  if (!config_path.empty()) {
    if (!std::filesystem::exists(config_path)) throw ConfigError(config_path + ": configuration file not found");
    load_file(settings, config_path, loaded);
  } else if (std::filesystem::exists(kDefaultConfigPath)) {
    load_file(settings, kDefaultConfigPath, loaded);
  }

  std::set<std::string> known_variables = {"AINODE_CONFIG"};
  for (const char* variable : kLibraryEnvironment) known_variables.insert(variable);
  for (const auto& setting : settings) known_variables.insert(setting.env_variable());
  for (const auto& [name, value] : environment) {
    if (!known_variables.contains(name)) loaded.unknown_environment.push_back(name);
  }
  for (const auto& setting : settings) {
    auto found = environment.find(setting.env_variable());
    if (found == environment.end()) continue;
    if (auto error = setting.apply(loaded.config, found->second)) {
      throw ConfigError("environment variable " + found->first + " (" + setting.key + "): " + *error);
    }
    loaded.origins[setting.key] = Origin{ValueSource::environment, found->first};
  }

  for (const auto& [key, raw] : flags) {
    const Setting* setting = find_setting(settings, key);
    if (setting == nullptr) throw ConfigError("unknown setting '" + key + "'");
    if (auto error = setting->apply(loaded.config, raw)) throw ConfigError("flag " + setting->flag() + ": " + *error);
    // The CLI turns --no-collector.cpu into "false": name the spelling that
    // says false (--collector.cpu=false means the same).
    bool negated = setting->kind == ValueKind::boolean && raw == "false";
    loaded.origins[key] = Origin{ValueSource::flag, negated ? setting->negated_flag() : setting->flag()};
  }
  return loaded;
}

std::string describe_config(const std::vector<Setting>& settings, const LoadedConfig& loaded) {
  std::ostringstream out;
  out << "# Effective ainode configuration (flags > AINODE_* env > file > defaults)\n";
  out << "# config file: " << (loaded.config.config_file.empty() ? "(none)" : loaded.config.config_file) << "\n";
  std::string section;
  for (const auto& setting : settings) {
    auto dot = setting.key.find('.');
    std::string table = setting.key.substr(0, dot);
    if (table != section) {
      section = table;
      out << "\n[" << section << "]\n";
    }
    std::string value = setting.show(loaded.config);
    out << setting.key.substr(dot + 1) << " = " << value;
    auto origin = loaded.origins.find(setting.key);
    if (origin == loaded.origins.end()) {
      out << (value.find('#') == std::string::npos ? "  # default" : "");
    } else {
      out << "  # " << to_string(origin->second.source) << " (" << origin->second.where << ")";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace ainode
