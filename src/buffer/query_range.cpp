#include "buffer/query_range.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/duration.hpp"
#include "prometheus/remote.pb.h"
#include "remote_write/snappy_block.hpp"

namespace ainode {

namespace {

std::optional<double> to_double(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::int64_t> seconds_to_ms(std::string_view text) {
  auto value = to_double(text);
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*value * 1000));
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace

std::variant<QueryRange, std::string> parse_query_range(const QueryParameters& parameters, std::int64_t now_ms) {
  QueryRange query;
  std::optional<std::int64_t> start, end, step;
  for (const auto& [name, value] : parameters) {
    if (name == "metric") {
      query.metric = value;
    } else if (name == "start" || name == "end") {
      auto ms = seconds_to_ms(value);
      if (!ms) return name + ": expected Unix seconds, got '" + value + "'";
      (name == "start" ? start : end) = ms;
    } else if (name == "step") {
      if (auto duration = parse_duration(value)) {
        step = duration->count();
      } else if (auto ms = seconds_to_ms(value)) {
        step = ms;
      } else {
        return "step: expected seconds or a duration such as 15s, got '" + value + "'";
      }
    } else {
      query.matchers[name] = value;
    }
  }
  if (query.metric.empty()) return std::string("metric is required");
  query.end_ms = end.value_or(now_ms);
  query.start_ms = start.value_or(query.end_ms - 3'600'000);
  if (query.start_ms > query.end_ms) return std::string("start is after end");
  query.step_ms = step.value_or(std::max<std::int64_t>(1000, (query.end_ms - query.start_ms) / 250));
  if (query.step_ms <= 0) return std::string("step must be positive");
  if ((query.end_ms - query.start_ms) / query.step_ms + 1 > kMaxQueryPoints) {
    return "more than " + std::to_string(kMaxQueryPoints) + " points per series; raise step";
  }
  return query;
}

nlohmann::json evaluate_query_range(const QueryRange& query, const std::vector<StoredCycle>& cycles) {
  // Each matching series' samples, by its label set.
  std::map<std::map<std::string, std::string>, std::vector<std::pair<std::int64_t, double>>> series;
  for (const auto& cycle : cycles) {
    auto raw = snappy_block_uncompress(cycle.data);
    prometheus::WriteRequest request;
    if (!raw || !request.ParseFromString(*raw)) continue;
    for (const auto& ts : request.timeseries()) {
      std::map<std::string, std::string> labels;
      for (const auto& label : ts.labels()) labels[label.name()] = label.value();
      if (labels["__name__"] != query.metric) continue;
      bool match = std::all_of(query.matchers.begin(), query.matchers.end(), [&](const auto& m) {
        auto found = labels.find(m.first);
        return found == labels.end() ? m.second.empty() : found->second == m.second;
      });
      if (!match) continue;
      auto& points = series[labels];
      for (const auto& sample : ts.samples()) points.emplace_back(sample.timestamp(), sample.value());
    }
  }
  nlohmann::json result = nlohmann::json::array();
  for (auto& [labels, points] : series) {
    std::sort(points.begin(), points.end());
    nlohmann::json values = nlohmann::json::array();
    std::size_t next = 0;
    const std::pair<std::int64_t, double>* latest = nullptr;
    for (std::int64_t t = query.start_ms; t <= query.end_ms; t += query.step_ms) {
      while (next < points.size() && points[next].first <= t) latest = &points[next++];
      if (latest == nullptr || latest->first <= t - kLookbackMs) continue;
      values.push_back({static_cast<double>(t) / 1000.0, format_value(latest->second)});
    }
    if (values.empty()) continue;
    result.push_back({{"metric", labels}, {"values", std::move(values)}});
  }
  return {{"status", "success"}, {"data", {{"resultType", "matrix"}, {"result", std::move(result)}}}};
}

}  // namespace ainode
