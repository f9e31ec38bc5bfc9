#pragma once
// The agent's /metrics as the TUI reads it: only the families its screens
// show (network, disks, filesystems, InfiniBand, power, processes, models),
// kept from two successive scrapes so counters become rates. The lines of
// other families are skipped before parsing, which keeps a 1 s refresh of
// a 300 kB exposition cheap.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/app/exposition_parser.hpp"

namespace ainode::tui {

struct MetricFrame {
  std::chrono::steady_clock::time_point at{};
  std::vector<ExpositionSample> samples;
};

// Parses the lines of `text` whose metric name starts with one of `prefixes`.
MetricFrame parse_metric_frame(std::string_view text, const std::vector<std::string_view>& prefixes,
                               std::chrono::steady_clock::time_point at);

using LabelMatch = std::vector<std::pair<std::string, std::string>>;

// The first sample named `name` carrying all the labels of `match`.
const ExpositionSample* find_sample(const MetricFrame& frame, std::string_view name, const LabelMatch& match = {});
std::optional<double> sample_value(const MetricFrame& frame, std::string_view name, const LabelMatch& match = {});
// Per second between the two frames, for a counter; absent without both
// points, or after a counter reset.
std::optional<double> counter_rate(const MetricFrame& previous, const MetricFrame& current, std::string_view name,
                                   const LabelMatch& match = {});
// Every sample named `name`.
std::vector<const ExpositionSample*> samples_named(const MetricFrame& frame, std::string_view name);

}  // namespace ainode::tui
