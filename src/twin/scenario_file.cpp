#include "twin/scenario_file.hpp"

#include <stdexcept>

namespace ainode::twin {

toml::table parse_scenario_file(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    throw std::runtime_error(path + ":" + std::to_string(error.source().begin.line) + ": " +
                             std::string(error.description()));
  }
}

}  // namespace ainode::twin
