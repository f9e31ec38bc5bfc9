#include "events/event_query_parser.hpp"

#include <charconv>

#include "http/query_string_parser.hpp"

namespace ainode {

namespace {

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool valid_type_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

EventQueryResult parse_event_query(std::string_view target, std::string_view last_event_id_header) {
  EventQueryResult result;
  auto fail = [&result](std::string message) {
    result.error = std::move(message);
    return result;
  };
  auto parameters = parse_query_string(target);
  if (!parameters) return fail("malformed percent-escape in the query string");
  if (!last_event_id_header.empty()) {
    auto id = parse_unsigned(last_event_id_header);
    if (!id) return fail("Last-Event-ID: expected an event id (a non-negative integer)");
    result.query.last_event_id = id;
  }
  for (const auto& [key, value] : *parameters) {
    if (key == "types" || key == "type") {
      std::string_view rest = value;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view name = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (name.empty()) continue;
        if (!valid_type_name(name)) return fail("types: '" + std::string(name) + "' is not an event type name");
        result.query.types.emplace(name);
      }
    } else if (key == "severity") {
      auto severity = parse_severity(value);
      if (!severity) return fail("severity: expected info, warning or critical, got '" + value + "'");
      result.query.min_severity = *severity;
    } else if (key == "last_event_id") {
      auto id = parse_unsigned(value);
      if (!id) return fail("last_event_id: expected an event id (a non-negative integer)");
      result.query.last_event_id = id;
    } else if (key == "limit") {
      auto limit = parse_unsigned(value);
      if (!limit || *limit == 0) return fail("limit: expected a positive integer");
      result.query.limit = static_cast<std::size_t>(*limit);
    } else {
      return fail("unknown parameter '" + key + "' (known: types, severity, last_event_id, limit)");
    }
  }
  return result;
}

}  // namespace ainode
