#pragma once
// Command line: global flags (one per setting) and the subcommands.
#include <string>
#include <vector>

#include "app/diagnose_command.hpp"
#include "app/events_command.hpp"
#include "app/policy_command.hpp"
#include "app/policy_plan_command.hpp"
#include "config/settings.hpp"
#include "tui/tui_app.hpp"

namespace ainode {

enum class Command { run, config_show, catalogue, events, audit, policy_check, policy_plan, diagnose, tui, exit };

struct CommandLine {
  Command command = Command::run;
  std::string config_path;  // --config, or AINODE_CONFIG
  FlagValues flags;
  int exit_code = 0;  // for Command::exit (--help, --version, parse errors)
  EventsCommandOptions events;  // `ainode events`
  DiagnoseCommandOptions diagnose;  // `ainode diagnose`
  std::string audit_file;       // `ainode audit --file`
  std::string audit_since;      // `ainode audit --since 1h`
  bool audit_json = false;
  PolicyCheckOptions policy_check;  // `ainode policy check FILE…`
  tui::TuiOptions tui;              // `ainode tui`
  PolicyPlanOptions policy_plan;    // `ainode policy plan [--url] [--json]`
};

CommandLine parse_command_line(int argc, const char* const* argv, const std::vector<Setting>& settings);

}  // namespace ainode
