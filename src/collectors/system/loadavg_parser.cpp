#include "collectors/system/loadavg_parser.hpp"

#include <cmath>
#include <string>

#include "core/text.hpp"

namespace ainode {

namespace {
// from_chars also accepts "nan", "inf" and signs; the kernel never writes
// those here, so they mean the text is not what we think it is.
double require_non_negative(std::string_view field, std::string_view what) {
  double value = text::require_double(field, what);
  if (!std::isfinite(value) || value < 0) {
    throw ParseError("invalid " + std::string(what) + ": '" + std::string(field) + "' is not a non-negative number");
  }
  return value;
}
}  // namespace

LoadAverage parse_loadavg(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.size() < 3) throw ParseError("loadavg: expected at least 3 fields");
  return LoadAverage{require_non_negative(fields[0], "load1"), require_non_negative(fields[1], "load5"),
                     require_non_negative(fields[2], "load15")};
}

double parse_uptime(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.empty()) throw ParseError("uptime: empty");
  return require_non_negative(fields[0], "uptime");
}

}  // namespace ainode
