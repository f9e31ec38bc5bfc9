#include "policy/quantity.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "core/text.hpp"

namespace ainode {

namespace {

// The number in front of a unit: digits, one '.', an optional sign. No
// exponent, so "1E" can never be mistaken for a number.
std::size_t number_length(std::string_view text) {
  std::size_t at = 0;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
  while (at < text.size() && ((text[at] >= '0' && text[at] <= '9') || text[at] == '.')) ++at;
  return at;
}

std::optional<double> finite_number(std::string_view text) {
  auto value = text::to_double(text);
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

QuantityResult<double> parse_watts(std::string_view text, bool bare_allowed) {
  std::string example = "write watts as a number followed by W, like 250W";
  if (auto bare = finite_number(text)) {
    if (!bare_allowed) return "missing unit in " + quoted(text) + ": " + example;
    if (*bare <= 0) return "watts must be positive, got " + quoted(text);
    return *bare;
  }
  std::size_t length = number_length(text);
  auto number = finite_number(text.substr(0, length));
  std::string_view unit = text.substr(length);
  if (!number) return "invalid watts " + quoted(text) + ": " + example;
  if (unit.starts_with(' ')) return "no space between the number and W: write " + std::string(text.substr(0, length)) + "W";
  if (unit == "w") return "the unit is an uppercase W: write " + std::string(text.substr(0, length)) + "W";
  if (unit != "W") return "invalid unit in " + quoted(text) + ": " + example;
  if (*number <= 0) return "watts must be positive, got " + quoted(text);
  return *number;
}

QuantityResult<double> parse_bytes(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, double>, 9> kUnits{{
      {"B", 1},
      {"kB", 1e3},
      {"MB", 1e6},
      {"GB", 1e9},
      {"TB", 1e12},
      {"KiB", 1024.0},
      {"MiB", 1024.0 * 1024},
      {"GiB", 1024.0 * 1024 * 1024},
      {"TiB", 1024.0 * 1024 * 1024 * 1024},
  }};
  std::string example = "write bytes like 40GiB, 512MiB, 8GB or a plain number of bytes";
  std::size_t length = number_length(text);
  auto number = finite_number(text.substr(0, length));
  if (!number) return "invalid size " + quoted(text) + ": " + example;
  if (*number < 0) return "a size cannot be negative, got " + quoted(text);
  std::string_view unit = text.substr(length);
  if (unit.empty()) return *number;
  if (unit.starts_with(' ')) return "no space between the number and the unit in " + quoted(text);
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return *number * factor;
  }
  return "unknown unit in " + quoted(text) + ": " + example;
}

QuantityResult<double> parse_percent(std::string_view text) {
  if (!text.ends_with('%')) return "expected a percentage like 60%, got " + quoted(text);
  auto number = finite_number(text.substr(0, text.size() - 1));
  if (!number) return "invalid percentage " + quoted(text) + ": write it like 60%";
  if (*number <= 0 || *number > 100) return "a percentage of the default limit must be above 0% and at most 100%, got " + quoted(text);
  return *number;
}

QuantityResult<TimeOfDayRange> parse_time_of_day_range(std::string_view text) {
  std::string example = "write a range of local times like 22:00-06:00";
  auto parse_clock = [](std::string_view clock) -> std::optional<int> {
    if (clock.size() != 5 || clock[2] != ':') return std::nullopt;
    auto hours = text::to_u64(clock.substr(0, 2));
    auto minutes = text::to_u64(clock.substr(3, 2));
    if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
    return static_cast<int>(*hours * 60 + *minutes);
  };
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return "invalid time range " + quoted(text) + ": " + example;
  auto start = parse_clock(text.substr(0, dash));
  auto end = parse_clock(text.substr(dash + 1));
  if (!start || !end) return "invalid time range " + quoted(text) + ": " + example + " (HH:MM, 24-hour clock)";
  if (*start == *end) return "empty time range " + quoted(text) + ": start and end are the same";
  return TimeOfDayRange{*start, *end};
}

}  // namespace ainode
