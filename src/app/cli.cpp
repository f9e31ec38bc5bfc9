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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    result.command = Command::exit;
    result.exit_code = app.exit(error);
    return result;
  }
  if (show->parsed()) result.command = Command::config_show;
  if (catalogue->parsed()) result.command = Command::catalogue;
  return result;
}

}  // namespace ainode
