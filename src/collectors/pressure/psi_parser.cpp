#include "collectors/pressure/psi_parser.hpp"

#include <cmath>

#include "core/text.hpp"

namespace ainode {

namespace {
// The kernel clamps each sample to its period, so an average is a percentage
// in [0, 100]; anything else (including the "nan"/"inf" that from_chars would
// accept) is corrupt input, not a ratio to export.
double require_percent(std::string_view value, std::string_view what) {
  double percent = text::require_double(value, what);
  if (!std::isfinite(percent) || percent < 0 || percent > 100) {
    throw ParseError("psi: " + std::string(what) + " out of range: '" + std::string(value) + "'");
  }
  return percent;
}

PsiLine parse_line(const std::vector<std::string_view>& fields) {
  PsiLine line;
  bool seen[4] = {};
  for (std::size_t i = 1; i < fields.size(); ++i) {
    auto kv = text::split_key_value(fields[i], '=');
    if (!kv) throw ParseError("psi: malformed field '" + std::string(fields[i]) + "'");
    if (kv->key == "avg10") {
      line.avg10 = require_percent(kv->value, "avg10");
      seen[0] = true;
    } else if (kv->key == "avg60") {
      line.avg60 = require_percent(kv->value, "avg60");
      seen[1] = true;
    } else if (kv->key == "avg300") {
      line.avg300 = require_percent(kv->value, "avg300");
      seen[2] = true;
    } else if (kv->key == "total") {
      line.total_microseconds = text::require_u64(kv->value, "total");
      seen[3] = true;
    }
  }
  for (bool s : seen) {
    if (!s) throw ParseError("psi: line lacks avg10, avg60, avg300 or total");
  }
  return line;
}
}  // namespace

PsiFile parse_psi(std::string_view text) {
  PsiFile file;
  for (auto line : text::lines(text)) {
    auto fields = text::fields(line);
    if (fields.empty()) continue;
    if (fields[0] == "some") {
      file.some = parse_line(fields);
    } else if (fields[0] == "full") {
      file.full = parse_line(fields);
    } else {
      throw ParseError("psi: unexpected line '" + std::string(line.substr(0, 40)) + "'");
    }
  }
  if (!file.some && !file.full) throw ParseError("psi: no some/full line");
  return file;
}

}  // namespace ainode
