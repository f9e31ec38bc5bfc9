// ainode entry point: parse the command line, load the configuration, then
// run the agent or a subcommand.
#include <malloc.h>

#include <iostream>

#include "app/agent.hpp"
#include "app/audit_command.hpp"
#include "app/diagnose_command.hpp"
#include "app/events_command.hpp"
#include "app/policy_command.hpp"
#include "config/duration.hpp"
#include "core/state_dir.hpp"
#include "app/builtin_collectors.hpp"
#include "app/catalogue.hpp"
#include "app/cli.hpp"
#include "app/logging.hpp"
#include "config/path_roots.hpp"
#include "config/settings.hpp"

#include <spdlog/spdlog.h>

namespace {

int run_audit(const ainode::CommandLine& command_line, const ainode::Config& config) {
  using namespace ainode;
  AuditCommandOptions options;
  options.json = command_line.audit_json;
  if (!command_line.audit_since.empty()) {
    auto since = parse_duration(command_line.audit_since);
    if (!since) {
      std::cerr << "ainode audit: --since: invalid duration '" << command_line.audit_since << "' (e.g. 1h, 30m)\n";
      return 2;
    }
    options.since = *since;
  }
  options.path = command_line.audit_file;
  if (options.path.empty()) options.path = config.control.audit_log;
  if (options.path.empty()) {
    StateDir state = resolve_state_dir(config.state.dir);
    if (state.path.empty()) {
      std::cerr << "ainode audit: no state directory: " << state.reason << "\n";
      return 1;
    }
    options.path = state.path + "/audit.log";
  }
  return run_audit_command(options);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ainode;
  // glibc gives threads that allocate their own arenas (up to eight per
  // core), each keeping its freed memory; the agent's threads allocate little
  // and seldom at once, so one arena serves them all (issue 15: on the 8-GPU
  // twin 3.7 MiB anonymous in three runs, against 3.8-4.6 with two arenas).
  mallopt(M_ARENA_MAX, 1);
  // The large buffers of a cycle (the rendered exposition, its gzip, the
  // remote-write request and its snappy block: ~0.5 MB each on the 8-GPU
  // twin) live for a moment. glibc maps such blocks with mmap, but once one
  // is freed it raises its mmap threshold to that size, so the next ones
  // come from the heap and their pages stay resident after free (heaptrack:
  // those four made 2.1 MB of the 4.0 MB heap peak). A fixed threshold
  // turns the dynamic one off: every block of 128 KiB or more is mapped and
  // unmapped whole, and the heap above 128 KiB of free top is trimmed.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
  const auto settings = make_settings(builtin_collector_switches());

  CommandLine command_line = parse_command_line(argc, argv, settings);
  if (command_line.command == Command::exit) return command_line.exit_code;
  if (command_line.command == Command::catalogue) {
    std::cout << catalogue_markdown(metric_catalogue());
    return 0;
  }
  if (command_line.command == Command::events) return run_events_command(command_line.events);
  if (command_line.command == Command::diagnose) return run_diagnose_command(command_line.diagnose);
  if (command_line.command == Command::tui) return tui::run_tui(command_line.tui);
  if (command_line.command == Command::policy_plan) return run_policy_plan(command_line.policy_plan);
  if (command_line.command == Command::policy_check) {
    return run_policy_check(command_line.policy_check, std::cout, std::cerr);
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
  if (command_line.command == Command::audit) return run_audit(command_line, loaded.config);
  if (auto error = check_path_roots(settings, loaded)) {
    std::cerr << "ainode: configuration error: " << *error << "\n";
    return 2;
  }
  setup_logging(loaded.config.log);
  for (const auto& name : loaded.unknown_environment) {
    spdlog::warn("environment variable {} matches no setting (ignored)", name);
  }
  ConfigReloader::Loader reload_config = [&settings, &command_line] {
    return load_config(settings, command_line.config_path, ainode_environment(), command_line.flags);
  };
  return run_agent(loaded.config, settings, reload_config);
}
