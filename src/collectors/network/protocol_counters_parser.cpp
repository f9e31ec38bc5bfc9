#include "collectors/network/protocol_counters_parser.hpp"

#include <vector>

#include "core/text.hpp"

namespace ainode {

ProtocolCounters parse_protocol_counters(std::string_view text) {
  std::vector<std::string_view> lines;
  for (auto line : text::lines(text)) {
    if (!text::trim(line).empty()) lines.push_back(line);
  }
  if (lines.size() % 2 != 0) {
    throw ParseError("protocol counters: names line without values: '" + std::string(lines.back().substr(0, 40)) + "'");
  }
  ProtocolCounters out;
  for (std::size_t i = 0; i < lines.size(); i += 2) {
    auto names = text::fields(lines[i]);
    auto values = text::fields(lines[i + 1]);
    if (names[0] != values[0] || names[0].size() < 2 || !names[0].ends_with(':')) {
      throw ParseError("protocol counters: names line '" + std::string(lines[i].substr(0, 40)) +
                       "' is not followed by its values line");
    }
    if (names.size() != values.size()) {
      throw ParseError("protocol counters: " + std::string(names[0]) + " has " + std::to_string(names.size() - 1) +
                       " names but " + std::to_string(values.size() - 1) + " values");
    }
    auto& protocol = out[std::string(names[0].substr(0, names[0].size() - 1))];
    for (std::size_t k = 1; k < names.size(); ++k) {
      protocol[std::string(names[k])] = text::require_i64(values[k], names[k]);
    }
  }
  return out;
}

}  // namespace ainode
