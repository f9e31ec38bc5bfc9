#include "policy/profile_conditions.hpp"

#include <array>
#include <chrono>
#include <map>
#include <sstream>
#include <utility>

#include "config/duration.hpp"
#include "policy/quantity.hpp"

namespace ainode {

namespace {

constexpr std::array<std::pair<std::string_view, PolicySignal>, 8> kSignals{{
    {"gpu.utilization", PolicySignal::gpu_utilization},
    {"gpu.memory_utilization", PolicySignal::gpu_memory_utilization},
    {"gpu.memory_used", PolicySignal::gpu_memory_used},
    {"gpu.temperature", PolicySignal::gpu_temperature},
    {"gpu.power", PolicySignal::gpu_power},
    {"node.power", PolicySignal::node_power},
    {"time_of_day", PolicySignal::time_of_day},
    {"no_workload", PolicySignal::no_workload},
}};

constexpr std::string_view kSignalNames =
    "gpu.utilization, gpu.memory_utilization, gpu.memory_used, gpu.temperature, gpu.power, node.power, "
    "time_of_day, no_workload";
constexpr std::string_view kConditionFields =
    "signal, window, avg_below, avg_above, max_below, max_above, below, above, between, equals";

// The longest window a condition may average over: the evaluation engine
// keeps its own bounded history, and a day is already more than a power
// decision should wait for.
constexpr auto kMaxWindow = std::chrono::hours(24);

bool is_numeric(PolicySignal signal) {
  return signal != PolicySignal::time_of_day && signal != PolicySignal::no_workload;
}

// A threshold in the signal's base unit.
std::optional<Threshold> parse_threshold(ProfileYamlWalker& walker, PolicySignal signal, const YAML::Node& value,
                                         const std::string& key) {
  auto text = walker.scalar(value, key);
  if (!text) return std::nullopt;
  auto take = [&](const QuantityResult<double>& result) -> std::optional<Threshold> {
    if (const auto* why = std::get_if<std::string>(&result)) {
      walker.error(value, key, *why);
      return std::nullopt;
    }
    return Threshold{std::get<double>(result), false};
  };
  switch (signal) {
    case PolicySignal::gpu_utilization:
    case PolicySignal::gpu_memory_utilization: {
      auto ratio = walker.number(value, key);
      if (!ratio) return std::nullopt;
      if (*ratio < 0 || *ratio > 1) {
        walker.error(value, key, std::string(to_string(signal)) + " is a ratio from 0 to 1 (write 0.5 for 50%), got " + *text);
        return std::nullopt;
      }
      return Threshold{*ratio, false};
    }
    case PolicySignal::gpu_memory_used: return take(parse_bytes(*text));
    case PolicySignal::gpu_temperature: {
      auto celsius = walker.number(value, key);
      if (!celsius) return std::nullopt;
      if (*celsius < -50 || *celsius > 200) {
        walker.error(value, key, "gpu.temperature is in degrees Celsius (-50 to 200), got " + *text);
        return std::nullopt;
      }
      return Threshold{*celsius, false};
    }
    case PolicySignal::node_power:
      if (*text == "envelope") return Threshold{0, true};
      return take(parse_watts(*text, true));
    case PolicySignal::gpu_power:
      if (*text == "envelope") {
        walker.error(value, key, "envelope is the node's power envelope; compare it with node.power");
        return std::nullopt;
      }
      return take(parse_watts(*text, true));
    case PolicySignal::time_of_day:
    case PolicySignal::no_workload: break;
  }
  return std::nullopt;
}

std::string threshold_text(const Threshold& threshold) {
  if (threshold.envelope) return "envelope";
  std::ostringstream out;
  out << threshold.value;
  return out.str();
}

// Lower bound `above` and upper bound `below` that no value can satisfy
// together ("avg_above: 0.6" with "avg_below: 0.4").
// Reported at the lower bound's line.
void check_range(ProfileYamlWalker& walker, const std::map<std::string, int>& field_lines,
                 const std::optional<Threshold>& above, const std::string& above_name,
                 const std::optional<Threshold>& below, const std::string& below_name, const std::string& key) {
  if (!above || !below || above->envelope != below->envelope) return;
  if (above->envelope || above->value >= below->value) {
    walker.error(field_lines.at(above_name), key + "." + above_name,
                 "contradicts " + std::string(below_name) + ": no value is above " + threshold_text(*above) +
                     " and below " + threshold_text(*below));
  }
}

}  // namespace

std::optional<ProfileCondition> parse_condition(ProfileYamlWalker& walker, const YAML::Node& item,
                                                const std::string& key) {
  ProfileCondition condition;
  condition.line = yaml_line(item);
  std::size_t before = walker.error_count();
  if (!item.IsMap()) {
    walker.error(item, key, "expected a mapping with a signal (signal: gpu.utilization)");
    return std::nullopt;
  }
  // The signal decides how every other value is read, so it goes first.
  YAML::Node signal_node = item["signal"];
  if (!signal_node) {
    walker.error(item, key + ".signal", "missing required field (one of: " + std::string(kSignalNames) + ")");
    return std::nullopt;
  }
  auto signal_text = walker.scalar(signal_node, key + ".signal");
  if (!signal_text) return std::nullopt;
  bool known = false;
  for (const auto& [name, signal] : kSignals) {
    if (*signal_text == name) {
      condition.signal = signal;
      known = true;
    }
  }
  if (!known) {
    walker.error(signal_node, key + ".signal", "unknown signal '" + *signal_text + "' (expected one of: " + std::string(kSignalNames) + ")");
    return std::nullopt;
  }
  bool numeric = is_numeric(condition.signal);
  std::string signal_name(to_string(condition.signal));
  int window_line = 0, windowed_line = 0, instant_line = 0;
  std::map<std::string, int> field_lines;
  walker.for_each_entry(item, key, [&](const std::string& name, const std::string& field, const YAML::Node& value,
                                       int line) {
    field_lines[name] = line;
    auto threshold = [&](std::optional<Threshold>& slot, int& family_line) {
      if (!numeric) {
        walker.error(line, field, signal_name + " has no " + name + " (see docs/policies.md)");
        return;
      }
      family_line = line;
      slot = parse_threshold(walker, condition.signal, value, field);
    };
    if (name == "signal") return;
    if (name == "window") {
      window_line = line;
      condition.window = walker.duration(value, field);
      if (condition.window && (condition.window->count() <= 0 || *condition.window > kMaxWindow)) {
        walker.error(value, field, "a window must be longer than 0 and at most 24h");
      }
    } else if (name == "avg_below") {
      threshold(condition.avg_below, windowed_line);
    } else if (name == "avg_above") {
      threshold(condition.avg_above, windowed_line);
    } else if (name == "max_below") {
      threshold(condition.max_below, windowed_line);
    } else if (name == "max_above") {
      threshold(condition.max_above, windowed_line);
    } else if (name == "below") {
      threshold(condition.below, instant_line);
    } else if (name == "above") {
      threshold(condition.above, instant_line);
    } else if (name == "between") {
      if (condition.signal != PolicySignal::time_of_day) {
        walker.error(line, field, "between is only for time_of_day");
      } else if (auto text = walker.scalar(value, field)) {
        auto range = parse_time_of_day_range(*text);
        if (const auto* why = std::get_if<std::string>(&range)) {
          walker.error(value, field, *why);
        } else {
          condition.between = std::get<TimeOfDayRange>(range);
        }
      }
    } else if (name == "equals") {
      if (condition.signal != PolicySignal::no_workload) {
        walker.error(line, field, "equals is only for no_workload");
      } else if (auto flag = walker.boolean(value, field)) {
        condition.equals = *flag;
      }
    } else {
      walker.unknown(line, field, std::string(kConditionFields));
    }
  });
  if (walker.error_count() != before) return std::nullopt;

  if (numeric) {
    if (windowed_line == 0 && instant_line == 0) {
      walker.error(condition.line, key, signal_name + " needs a comparison: avg_below, avg_above, max_below, max_above (with a window) or below, above");
    }
    if (windowed_line != 0 && instant_line != 0) {
      walker.error(instant_line, key, "mixes windowed (avg_*/max_*) and instantaneous (above/below) comparisons; write two conditions");
    }
    if (windowed_line != 0 && !condition.window) {
      walker.error(windowed_line, key + ".window", "missing: avg_* and max_* compare over a window (e.g. window: 5m)");
    }
    if (windowed_line == 0 && instant_line != 0 && condition.window) {
      walker.error(window_line, key + ".window", "above/below compare the latest reading; remove the window or use avg_*/max_*");
    }
    check_range(walker, field_lines, condition.avg_above, "avg_above", condition.avg_below, "avg_below", key);
    check_range(walker, field_lines, condition.max_above, "max_above", condition.max_below, "max_below", key);
    check_range(walker, field_lines, condition.above, "above", condition.below, "below", key);
    // The average never exceeds the maximum: avg above X with max below X is empty.
    check_range(walker, field_lines, condition.avg_above, "avg_above", condition.max_below, "max_below", key);
  } else if (condition.window) {
    walker.error(window_line, key + ".window", signal_name + " takes no window; spec.for says how long it must hold");
  } else if (condition.signal == PolicySignal::time_of_day && !condition.between) {
    walker.error(condition.line, key + ".between", "missing: time_of_day needs a range like between: \"22:00-06:00\"");
  }
  if (walker.error_count() != before) return std::nullopt;
  return condition;
}

}  // namespace ainode
