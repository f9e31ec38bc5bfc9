#pragma once
// Reads a scenario's TOML once, for every part of the twin that reads the
// same file (GPUs, faults and labels, pods): a syntax error names the file
// and the line, whichever part found it.
#include <string>

#include <toml++/toml.h>

namespace ainode::twin {

// Throws std::runtime_error("PATH:LINE: what") when the file cannot be read
// or parsed.
toml::table parse_scenario_file(const std::string& path);

}  // namespace ainode::twin
