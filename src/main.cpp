// ainode entry point: parse the command line, load the configuration, then
// run the agent or a subcommand.
#include <iostream>

#include "app/agent.hpp"
#include "app/builtin_collectors.hpp"
#include "app/catalogue.hpp"
#include "app/cli.hpp"
#include "app/logging.hpp"
#include "config/path_roots.hpp"
#include "config/settings.hpp"

#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  using namespace ainode;
  const auto settings = make_settings(builtin_collector_switches());

  CommandLine command_line = parse_command_line(argc, argv, settings);
  if (command_line.command == Command::exit) return command_line.exit_code;
  if (command_line.command == Command::catalogue) {
    std::cout << catalogue_markdown(metric_catalogue());
    return 0;
  }

  LoadedConfig loaded;
  try {
    loaded = load_config(settings, command_line.config_path, ainode_environment(), command_line.flags);
  } catch (const ConfigError& error) {
    std::cerr << "ainode: configuration error: " << error.what() << "\n";
    return 2;
  }
  if (command_line.command == Command::config_show) {
    std::cout << describe_config(settings, loaded);
    return 0;
  }
  if (auto error = check_path_roots(settings, loaded)) {
    std::cerr << "ainode: configuration error: " << *error << "\n";
    return 2;
  }
  setup_logging(loaded.config.log);
  for (const auto& name : loaded.unknown_environment) {
    spdlog::warn("environment variable {} matches no setting (ignored)", name);
  }
  return run_agent(loaded.config);
}
