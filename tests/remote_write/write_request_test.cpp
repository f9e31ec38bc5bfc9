#include "remote_write/write_request.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "prometheus/remote.pb.h"
#include "remote_write/snappy_block.hpp"

namespace ainode {
namespace {

const MetricDesc kUp{"up_test", MetricType::gauge, "", "Up.", {}};
const MetricDesc kLabelled{"ainode_x", MetricType::gauge, "", "X.", {"zone", "gpu", "uuid"}};

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// The protobuf wire bytes, worked out by hand from remote.proto:
// WriteRequest.timeseries(1) -> TimeSeries{labels(1) {name(1) "__name__",
// value(2) "up_test"}, samples(2) {value(1) double 1.0, timestamp(2) 1000}}.
TEST(WriteRequest, OneSampleEncodesToTheSpecWireBytes) {
  MetricSet set;
  set.add(kUp, 1.0);
  auto encoded = encode_cycle(set.families(), 1000);
  EXPECT_EQ(encoded.samples, 1);
  EXPECT_EQ(hex(encoded.bytes),
            "0a23"                                  // timeseries, 35 bytes
            "0a13"                                  // label, 19 bytes
            "0a085f5f6e616d655f5f"                  // name "__name__"
            "120775705f74657374"                    // value "up_test"
            "120c"                                  // sample, 12 bytes
            "09000000000000f03f"                    // value 1.0 (fixed64, little endian)
            "10e807");                              // timestamp 1000 (varint)
}

TEST(WriteRequest, LabelsAreSortedAndEmptyValuesLeftOut) {
  MetricSet set;
  set.add(kLabelled, {"z1", "0", ""}, 2.5);
  auto encoded = encode_cycle(set.families(), 42);
  prometheus::WriteRequest request;
  ASSERT_TRUE(request.ParseFromString(encoded.bytes));
  ASSERT_EQ(request.timeseries_size(), 1);
  const auto& labels = request.timeseries(0).labels();
  ASSERT_EQ(labels.size(), 3);
  EXPECT_EQ(labels[0].name(), "__name__");
  EXPECT_EQ(labels[1].name(), "gpu");
  EXPECT_EQ(labels[1].value(), "0");
  EXPECT_EQ(labels[2].name(), "zone");
  EXPECT_EQ(request.timeseries(0).samples(0).timestamp(), 42);
}

// What encode_cycle writes field by field is what protobuf serializes for
// the same WriteRequest: zero and negative zero, NaN, a zero and a negative
// timestamp, label values long enough for two-byte lengths, many series.
TEST(WriteRequest, BytesAreWhatProtobufSerializesForTheSameRequest) {
  const std::string long_value(300, 'v');
  const std::vector<double> values{0.0, -0.0, 1.5, -2.25, std::numeric_limits<double>::quiet_NaN(), 1e300};
  for (std::int64_t timestamp : {std::int64_t{0}, std::int64_t{-5}, std::int64_t{1796276000123}}) {
    MetricSet set;
    prometheus::WriteRequest expected;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string gpu = std::to_string(i);
      const std::string& uuid = i % 2 ? long_value : gpu;
      set.add(kLabelled, {"", gpu, uuid}, values[i]);
      auto* series = expected.add_timeseries();
      for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
               {"__name__", "ainode_x"}, {"gpu", gpu}, {"uuid", uuid}}) {
        auto* label = series->add_labels();
        label->set_name(name);
        label->set_value(value);
      }
      auto* sample = series->add_samples();
      sample->set_value(values[i]);
      sample->set_timestamp(timestamp);
    }
    set.add(kUp, 3.0);
    auto* up = expected.add_timeseries();
    auto* label = up->add_labels();
    label->set_name("__name__");
    label->set_value("up_test");
    up->add_samples()->set_value(3.0);
    up->mutable_samples(0)->set_timestamp(timestamp);

    auto encoded = encode_cycle(set.families(), timestamp);
    EXPECT_EQ(encoded.samples, static_cast<std::int64_t>(values.size() + 1));
    EXPECT_EQ(hex(encoded.bytes), hex(expected.SerializeAsString())) << "timestamp " << timestamp;
  }
}

TEST(SnappyBlock, RoundTripsAndRejectsGarbage) {
  std::string text(10000, 'a');
  text += "tail";
  auto compressed = snappy_block_compress(text);
  EXPECT_LT(compressed.size(), 1000u);
  // Block format: the uncompressed length as a varint comes first (10004 = 0x94 0x4e).
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x94);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x4e);
  EXPECT_EQ(snappy_block_uncompress(compressed), text);
  EXPECT_FALSE(snappy_block_uncompress("\xff\xff\xff\xff\xff garbage").has_value());
  EXPECT_FALSE(snappy_block_uncompress(compressed.substr(0, compressed.size() / 2)).has_value());
}

std::string cycle(double value, std::int64_t timestamp, const std::string& gpu) {
  MetricSet set;
  set.add(kLabelled, {"z", gpu, "u"}, value);
  return encode_cycle(set.families(), timestamp).bytes;
}

TEST(BatchBuilder, MergesCyclesPerSeriesInTimestampOrderWithExternalLabels) {
  BatchBuilder batch({{"cluster", "c1"}, {"zone", "external-loses"}}, 0);
  ASSERT_TRUE(batch.add_cycle(cycle(1, 1000, "0") + cycle(10, 1000, "1")));
  ASSERT_TRUE(batch.add_cycle(cycle(2, 2000, "0") + cycle(20, 2000, "1")));
  ASSERT_TRUE(batch.add_cycle(cycle(3, 3000, "0")));
  EXPECT_EQ(batch.samples(), 5);
  EXPECT_EQ(batch.newest_timestamp_ms(), 3000);
  prometheus::WriteRequest request;
  ASSERT_TRUE(request.ParseFromString(batch.serialize()));
  ASSERT_EQ(request.timeseries_size(), 2);
  const auto& first = request.timeseries(0);
  ASSERT_EQ(first.samples_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first.samples(i).timestamp(), 1000 * (i + 1));
    EXPECT_EQ(first.samples(i).value(), i + 1);
  }
  std::vector<std::string> names;
  for (const auto& label : first.labels()) names.push_back(label.name() + "=" + label.value());
  EXPECT_EQ(names, (std::vector<std::string>{"__name__=ainode_x", "cluster=c1", "gpu=0", "uuid=u", "zone=z"}));
  EXPECT_EQ(request.timeseries(1).samples_size(), 2);
}

TEST(BatchBuilder, LeavesOutAndCountsSamplesOlderThanTheCutoff) {
  BatchBuilder batch({}, 2000);
  ASSERT_TRUE(batch.add_cycle(cycle(1, 1000, "0")));
  ASSERT_TRUE(batch.add_cycle(cycle(2, 2000, "0")));
  EXPECT_EQ(batch.samples(), 1);
  EXPECT_EQ(batch.too_old(), 1);
  EXPECT_FALSE(batch.add_cycle("\x0a\xff not protobuf"));
}

}  // namespace
}  // namespace ainode
