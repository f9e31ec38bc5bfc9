#include "tui/metric_frame.hpp"

namespace ainode::tui {

namespace {

bool wanted(std::string_view line, const std::vector<std::string_view>& prefixes) {
  for (auto prefix : prefixes) {
    if (line.starts_with(prefix)) return true;
  }
  return false;
}

bool matches(const ExpositionSample& sample, const LabelMatch& match) {
  for (const auto& [name, value] : match) {
    const std::string* got = sample.label(name);
    if (!got || *got != value) return false;
  }
  return true;
}

}  // namespace

MetricFrame parse_metric_frame(std::string_view text, const std::vector<std::string_view>& prefixes,
                               std::chrono::steady_clock::time_point at) {
  std::string kept;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (wanted(line, prefixes)) {
      kept.append(line);
      kept.push_back('\n');
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  MetricFrame frame;
  frame.at = at;
  frame.samples = parse_exposition(kept).samples;
  return frame;
}

const ExpositionSample* find_sample(const MetricFrame& frame, std::string_view name, const LabelMatch& match) {
  for (const auto& sample : frame.samples) {
    if (sample.name == name && matches(sample, match)) return &sample;
  }
  return nullptr;
}

std::optional<double> sample_value(const MetricFrame& frame, std::string_view name, const LabelMatch& match) {
  const ExpositionSample* sample = find_sample(frame, name, match);
  if (!sample) return std::nullopt;
  return sample->value;
}

std::optional<double> counter_rate(const MetricFrame& previous, const MetricFrame& current, std::string_view name,
                                   const LabelMatch& match) {
  auto before = sample_value(previous, name, match);
  auto now = sample_value(current, name, match);
  double seconds = std::chrono::duration<double>(current.at - previous.at).count();
  if (!before || !now || seconds <= 0 || *now < *before) return std::nullopt;
  return (*now - *before) / seconds;
}

std::vector<const ExpositionSample*> samples_named(const MetricFrame& frame, std::string_view name) {
  std::vector<const ExpositionSample*> out;
  for (const auto& sample : frame.samples) {
    if (sample.name == name) out.push_back(&sample);
  }
  return out;
}

}  // namespace ainode::tui
