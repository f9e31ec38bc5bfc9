#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "ainode/build_info.hpp"

namespace ainode {

CommandLine parse_command_line(int argc, const char* const* argv, const std::vector<Setting>& settings) {
  CommandLine result;
  CLI::App app{"ainode: power-aware, GPU-aware telemetry agent for AI nodes", "ainode"};
  app.set_version_flag("--version", std::string("ainode ") + build::version + " (" + build::revision + ")");
  app.fallthrough();
  app.add_option("--config", result.config_path, "TOML configuration file (default /etc/ainode/ainode.toml if present)")
      ->envname("AINODE_CONFIG");

  for (const Setting& setting : settings) {
    std::string key = setting.key;
    if (setting.kind == ValueKind::boolean) {
      // --collector.cpu / --no-collector.cpu, --gpu.k8s-mode / --no-gpu.k8s-mode,
      // and --collector.cpu=false.
      std::string negated = "--no-" + setting.flag().substr(2);
      app.add_flag_function(setting.flag() + ",!" + negated,
                            [&result, key](std::int64_t count) { result.flags[key] = count > 0 ? "true" : "false"; },
                            setting.help)
          ->group(key.starts_with("collectors.") ? "Collectors" : "Switches");
    } else {
      app.add_option_function<std::string>(
             setting.flag(), [&result, key](const std::string& value) { result.flags[key] = value; }, setting.help)
          ->group("Settings (flag > " + setting.env_variable().substr(0, 7) + "* env > file > default)");
    }
  }

  auto* config = app.add_subcommand("config", "Configuration tools");
  auto* show = config->add_subcommand("show", "Print the effective configuration and where each value came from");
  config->require_subcommand(1);
  auto* catalogue = app.add_subcommand("catalogue", "Print the metric catalogue as Markdown (docs/metrics.md)");

  auto* events = app.add_subcommand("events", "Print a running agent's events live (like kubectl get events -w)");
  events->add_option("--url", result.events.url, "The agent's address")->capture_default_str();
  events->add_option("--types", result.events.types, "Only these event types, comma-separated");
  events->add_option("--severity", result.events.severity, "Only this severity or worse (info, warning, critical)");
  events->add_flag("--json", result.events.json, "One JSON object per line instead of readable lines");
  events->add_flag("!--no-follow", result.events.follow, "Print the recent events and exit");
  events->add_option("--token-file", result.events.token_file, "Send this bearer token");
  events->add_option("--ca-file", result.events.ca_file, "CA bundle for an https:// agent");
  events->add_flag("--insecure", result.events.insecure, "Do not verify an https:// agent's certificate");
  auto* audit = app.add_subcommand("audit", "Print the control audit log readably");
  audit->add_option("--since", result.audit_since, "Only records younger than this (e.g. 1h, 30m)");
  audit->add_option("--file", result.audit_file, "The audit log (default: control.audit_log or <state.dir>/audit.log)");
  audit->add_flag("--json", result.audit_json, "The records as stored, one JSON object per line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    result.command = Command::exit;
    result.exit_code = app.exit(error);
    return result;
  }
  if (show->parsed()) result.command = Command::config_show;
  if (catalogue->parsed()) result.command = Command::catalogue;
  if (events->parsed()) result.command = Command::events;
  if (audit->parsed()) result.command = Command::audit;
  return result;
}

}  // namespace ainode
