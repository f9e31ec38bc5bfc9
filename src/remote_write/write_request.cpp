#include "remote_write/write_request.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <bit>

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

using Coded = google::protobuf::io::CodedOutputStream;

// Wire tags from remote.proto: field number << 3 | wire type (2 length-
// delimited, 1 fixed 64-bit, 0 varint).
constexpr std::uint32_t kTimeseriesTag = (1 << 3) | 2, kLabelsTag = (1 << 3) | 2, kSamplesTag = (2 << 3) | 2;
constexpr std::uint32_t kNameTag = (1 << 3) | 2, kValueTag = (2 << 3) | 2;
constexpr std::uint32_t kSampleValueTag = (1 << 3) | 1, kSampleTimestampTag = (2 << 3) | 0;

std::size_t length_delimited_size(std::size_t length) { return 1 + Coded::VarintSize64(length) + length; }

std::size_t label_size(std::string_view name, std::string_view value) {
  return length_delimited_size(name.size()) + length_delimited_size(value.size());
}

void write_string(Coded& coded, std::uint32_t tag, std::string_view text) {
  coded.WriteTag(tag);
  coded.WriteVarint64(text.size());
  coded.WriteRaw(text.data(), static_cast<int>(text.size()));
}

// One TimeSeries of one sample. proto3 leaves out fields at their default
// (a +0.0 value, a 0 timestamp), and so does this.
void write_series(Coded& coded, const LabelPairs& labels, double value, std::int64_t timestamp_ms) {
  const auto value_bits = std::bit_cast<std::uint64_t>(value);
  const auto timestamp = static_cast<std::uint64_t>(timestamp_ms);
  const std::size_t sample_size = (value_bits != 0 ? 9 : 0) + (timestamp != 0 ? 1 + Coded::VarintSize64(timestamp) : 0);
  std::size_t series_size = length_delimited_size(sample_size);
  for (const auto& [name, text] : labels) series_size += length_delimited_size(label_size(name, text));
  coded.WriteTag(kTimeseriesTag);
  coded.WriteVarint64(series_size);
  for (const auto& [name, text] : labels) {
    coded.WriteTag(kLabelsTag);
    coded.WriteVarint64(label_size(name, text));
    write_string(coded, kNameTag, name);
    write_string(coded, kValueTag, text);
  }
  coded.WriteTag(kSamplesTag);
  coded.WriteVarint64(sample_size);
  if (value_bits != 0) {
    coded.WriteTag(kSampleValueTag);
    coded.WriteLittleEndian64(value_bits);
  }
  if (timestamp != 0) {
    coded.WriteTag(kSampleTimestampTag);
    coded.WriteVarint64(timestamp);
  }
}

std::int64_t write_cycle(Coded& coded, const std::vector<Family>& families, std::int64_t timestamp_ms) {
  std::int64_t samples = 0;
  LabelPairs labels;
  for (const auto& family : families) {
    if (family.desc == nullptr) continue;
    for (const auto& sample : family.samples) {
      labels.clear();
      labels.emplace_back("__name__", family.desc->name);
      for (std::size_t i = 0; i < sample.label_values.size() && i < family.desc->labels.size(); ++i) {
        if (!sample.label_values[i].empty()) labels.emplace_back(family.desc->labels[i], sample.label_values[i]);
      }
      std::sort(labels.begin(), labels.end());
      write_series(coded, labels, sample.value, timestamp_ms);
      ++samples;
    }
  }
  return samples;
}

}  // namespace

// Written field by field with protobuf's wire primitives, not built as a
// WriteRequest and serialized: on the 8-GPU twin the message objects of one
// cycle (every label copied into its own string) were a 1.3 MiB transient
// peak in the buffer thread's arena, every second (issue 15). The bytes are
// what SerializeToString gives for the same request (tests compare them).
EncodedCycle encode_cycle(const std::vector<Family>& families, std::int64_t timestamp_ms) {
  EncodedCycle out;
  google::protobuf::io::StringOutputStream stream(&out.bytes);
  {
    Coded coded(&stream);  // gives back its unused buffer when it ends
    out.samples = write_cycle(coded, families, timestamp_ms);
  }
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
