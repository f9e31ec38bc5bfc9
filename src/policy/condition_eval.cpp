#include "policy/condition_eval.hpp"

#include <sstream>

#include "config/duration.hpp"

namespace ainode {

namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool in_range(const TimeOfDayRange& range, int minute) {
  if (range.start_minute < range.end_minute) return minute >= range.start_minute && minute < range.end_minute;
  return minute >= range.start_minute || minute < range.end_minute;  // wraps past midnight
}

struct Comparison {
  const char* name;
  const std::optional<Threshold>& threshold;
  bool below;  // value must be below the threshold
};

}  // namespace

std::string condition_label(const ProfileCondition& condition) {
  std::string label(to_string(condition.signal));
  bool windowed = condition.avg_below || condition.avg_above || condition.max_below || condition.max_above;
  if (windowed && condition.window) {
    if (condition.avg_below || condition.avg_above) label += " avg";
    if (condition.max_below || condition.max_above) label += " max";
    label += " " + format_duration(*condition.window);
  }
  return label;
}

std::chrono::milliseconds longest_window(const std::vector<ProfileCondition>& when) {
  std::chrono::milliseconds longest{0};
  for (const auto& condition : when) {
    if (condition.window && *condition.window > longest) longest = *condition.window;
  }
  return longest;
}

ConditionResult evaluate_conditions(const std::vector<ProfileCondition>& when, const SignalHistory& history,
                                    const std::string& uuid, const ConditionContext& context) {
  ConditionResult result;
  result.holds = true;
  auto fail = [&](std::string why) {
    if (result.holds) result.reason = std::move(why);
    result.holds = false;
  };
  for (const auto& condition : when) {
    std::string label = condition_label(condition);
    if (condition.signal == PolicySignal::time_of_day) {
      bool inside = condition.between && in_range(*condition.between, context.local_minute);
      result.values[label] = inside;
      if (!inside) fail("time_of_day is outside the range");
      continue;
    }
    if (condition.signal == PolicySignal::no_workload) {
      bool idle = !context.workload_running;
      result.values["no_workload"] = idle;
      if (idle != condition.equals) fail(condition.equals ? "a workload runs on the GPU" : "no workload runs on the GPU");
      continue;
    }
    const TimeWindow<double>* window = history.window(uuid, condition.signal);
    if (window == nullptr || window->empty()) {
      result.values[label] = nullptr;
      fail(std::string(to_string(condition.signal)) + " has no reading");
      continue;
    }
    double average = 0, maximum = 0, latest = window->newest()->value;
    if (condition.window) {
      auto span = std::chrono::duration_cast<std::chrono::system_clock::duration>(*condition.window);
      auto stats = window_stats(*window, context.now, span);
      // Needs readings over most of the window: a window of one reading
      // right after start-up is not "the average over 5m". Judged by when
      // the readings began, not by the span between the points inside the
      // window, which falls a cycle short whenever the cycle jitters.
      if (!stats || window->points().front().time > context.now - span * 9 / 10) {
        result.values[label] = nullptr;
        fail(label + ": window not yet covered");
        continue;
      }
      average = stats->mean;
      maximum = stats->max;
    }
    Comparison comparisons[] = {{"avg_below", condition.avg_below, true},  {"avg_above", condition.avg_above, false},
                                {"max_below", condition.max_below, true},  {"max_above", condition.max_above, false},
                                {"below", condition.below, true},          {"above", condition.above, false}};
    bool max_kind = condition.max_below || condition.max_above;
    bool avg_kind = condition.avg_below || condition.avg_above;
    if (avg_kind && max_kind) {
      result.values[label] = {{"avg", average}, {"max", maximum}};
    } else {
      result.values[label] = avg_kind ? average : max_kind ? maximum : latest;
    }
    for (const auto& comparison : comparisons) {
      if (!comparison.threshold) continue;
      std::string name = comparison.name;
      double value = name.starts_with("avg") ? average : name.starts_with("max") ? maximum : latest;
      double threshold = comparison.threshold->value;
      if (comparison.threshold->envelope) {
        if (!context.envelope_watts) {
          fail("the node envelope (power.node_envelope_watts) is not configured");
          continue;
        }
        threshold = *context.envelope_watts;
      }
      bool ok = comparison.below ? value < threshold : value > threshold;
      if (!ok) fail(label + " is " + number_text(value) + ", not " + (comparison.below ? "below " : "above ") + number_text(threshold));
    }
  }
  return result;
}

}  // namespace ainode
