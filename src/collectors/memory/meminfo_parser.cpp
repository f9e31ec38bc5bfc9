#include "collectors/memory/meminfo_parser.hpp"

#include <array>

#include "core/text.hpp"

namespace ainode {

std::map<std::string, std::uint64_t, std::less<>> parse_meminfo(std::string_view text) {
  std::map<std::string, std::uint64_t, std::less<>> values;
  for (auto line : text::lines(text)) {
    if (text::trim(line).empty()) continue;
    auto kv = text::split_key_value(line, ':');
    if (!kv || kv->key.empty()) throw ParseError("meminfo: malformed line '" + std::string(line.substr(0, 40)) + "'");
    // Up to 3 fields, to tell "value kB" from a line with more.
    std::array<std::string_view, 3> fields;
    std::size_t count = text::leading_fields(kv->value, fields);
    if (count == 0 || count > 2 || (count == 2 && fields[1] != "kB")) {
      throw ParseError("meminfo: malformed value for " + std::string(kv->key));
    }
    std::uint64_t value = text::require_u64(fields[0], kv->key);
    values[std::string(kv->key)] = count == 2 ? value * 1024 : value;
  }
  if (values.empty()) throw ParseError("meminfo: empty");
  return values;
}

std::map<std::string, std::uint64_t, std::less<>> parse_vmstat(std::string_view text) {
  std::map<std::string, std::uint64_t, std::less<>> values;
  for (auto line : text::lines(text)) {
    std::array<std::string_view, 3> fields;
    std::size_t count = text::leading_fields(line, fields);
    if (count == 0) continue;
    if (count != 2) throw ParseError("vmstat: malformed line '" + std::string(line.substr(0, 40)) + "'");
    values[std::string(fields[0])] = text::require_u64(fields[1], fields[0]);
  }
  if (values.empty()) throw ParseError("vmstat: empty");
  return values;
}

}  // namespace ainode
