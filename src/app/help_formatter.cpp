#include "app/help_formatter.hpp"

namespace ainode {

std::string HelpFormatter::make_option_name(const CLI::Option* option, bool is_positional) const {
  if (is_positional) return CLI::Formatter::make_option_name(option, is_positional);
  std::string names;
  for (const auto& name : option->get_snames()) names += (names.empty() ? "-" : ", -") + name;
  for (const auto& name : option->get_lnames()) names += (names.empty() ? "--" : ", --") + name;
  return names;
}

}  // namespace ainode
