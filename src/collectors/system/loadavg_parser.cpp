#include "collectors/system/loadavg_parser.hpp"

#include "core/text.hpp"

namespace ainode {

LoadAverage parse_loadavg(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.size() < 3) throw ParseError("loadavg: expected at least 3 fields");
  return LoadAverage{text::require_double(fields[0], "load1"), text::require_double(fields[1], "load5"),
                     text::require_double(fields[2], "load15")};
}

double parse_uptime(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.empty()) throw ParseError("uptime: empty");
  return text::require_double(fields[0], "uptime");
}

}  // namespace ainode
