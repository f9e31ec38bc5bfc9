#pragma once
// `ainode --help` layout: CLI11's default prints a switch as
// "--collector.cpu,--no-collector.cpu{false}", which reads as "default
// false". This formatter prints both spellings plainly; the default and the
// unit of each setting are in its description and value label (cli.cpp).
#include <CLI/CLI.hpp>

namespace ainode {

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* option, bool is_positional) const override;
};

}  // namespace ainode
