#include "remote_write/write_request.hpp"

#include <algorithm>

#include "prometheus/remote.pb.h"

namespace ainode {

namespace {

using LabelPairs = std::vector<std::pair<std::string_view, std::string_view>>;

std::string series_key(const prometheus::TimeSeries& series) {
  std::string key;
  for (const auto& label : series.labels()) {
    key += label.name();
    key.push_back('\0');
    key += label.value();
    key.push_back('\0');
  }
  return key;
}

}  // namespace

EncodedCycle encode_cycle(const std::vector<Family>& families, std::int64_t timestamp_ms) {
  prometheus::WriteRequest request;
  LabelPairs labels;
  EncodedCycle out;
  for (const auto& family : families) {
    if (family.desc == nullptr) continue;
    for (const auto& sample : family.samples) {
      labels.clear();
      labels.emplace_back("__name__", family.desc->name);
      for (std::size_t i = 0; i < sample.label_values.size() && i < family.desc->labels.size(); ++i) {
        if (!sample.label_values[i].empty()) labels.emplace_back(family.desc->labels[i], sample.label_values[i]);
      }
      std::sort(labels.begin(), labels.end());
      auto* series = request.add_timeseries();
      for (const auto& [name, value] : labels) {
        auto* label = series->add_labels();
        label->set_name(std::string(name));
        label->set_value(std::string(value));
      }
      auto* point = series->add_samples();
      point->set_value(sample.value);
      point->set_timestamp(timestamp_ms);
      ++out.samples;
    }
  }
  request.SerializeToString(&out.bytes);
  return out;
}

BatchBuilder::BatchBuilder(const std::map<std::string, std::string>& external_labels, std::int64_t oldest_allowed_ms)
    : external_(external_labels.begin(), external_labels.end()),
      oldest_allowed_ms_(oldest_allowed_ms),
      request_(std::make_unique<prometheus::WriteRequest>()) {}

BatchBuilder::~BatchBuilder() = default;

bool BatchBuilder::add_cycle(const std::string& cycle_bytes) {
  prometheus::WriteRequest cycle;
  if (!cycle.ParseFromString(cycle_bytes)) return false;
  for (auto& series : *cycle.mutable_timeseries()) {
    std::vector<prometheus::Sample> kept;
    for (const auto& sample : series.samples()) {
      if (sample.timestamp() < oldest_allowed_ms_) {
        ++too_old_;
      } else {
        kept.push_back(sample);
      }
    }
    if (kept.empty()) continue;
    if (!external_.empty()) {
      for (const auto& [name, value] : external_) {
        bool present = std::any_of(series.labels().begin(), series.labels().end(),
                                   [&](const prometheus::Label& l) { return l.name() == name; });
        if (present) continue;
        auto* label = series.add_labels();
        label->set_name(name);
        label->set_value(value);
      }
      std::sort(series.mutable_labels()->begin(), series.mutable_labels()->end(),
                [](const prometheus::Label& a, const prometheus::Label& b) { return a.name() < b.name(); });
    }
    auto [found, inserted] = series_index_.try_emplace(series_key(series), request_->timeseries_size());
    prometheus::TimeSeries* target = nullptr;
    if (inserted) {
      target = request_->add_timeseries();
      *target->mutable_labels() = series.labels();
    } else {
      target = request_->mutable_timeseries(found->second);
    }
    for (const auto& sample : kept) {
      *target->add_samples() = sample;
      newest_ms_ = std::max(newest_ms_, sample.timestamp());
      ++samples_;
    }
  }
  return true;
}

std::string BatchBuilder::serialize() const { return request_->SerializeAsString(); }

}  // namespace ainode
