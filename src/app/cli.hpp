#pragma once
// Command line: global flags (one per setting) and the subcommands.
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ainode {

enum class Command { run, config_show, catalogue, exit };

struct CommandLine {
  Command command = Command::run;
  std::string config_path;  // --config, or AINODE_CONFIG
  FlagValues flags;
  int exit_code = 0;  // for Command::exit (--help, --version, parse errors)
};

CommandLine parse_command_line(int argc, const char* const* argv, const std::vector<Setting>& settings);

}  // namespace ainode
