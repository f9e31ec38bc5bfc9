#include "exposition/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace ainode;

namespace {
const MetricDesc kCounter{"ainode_test_bytes_total", MetricType::counter, "bytes", "Bytes \"moved\"\\ here.\nSecond.",
                          {"device"}};
const MetricDesc kGauge{"ainode_test_ratio", MetricType::gauge, "ratio", "A ratio.", {}};
const MetricDesc kEmpty{"ainode_test_empty", MetricType::gauge, "", "Never has samples.", {}};

std::vector<Family> families() {
  MetricSet set;
  set.add(kCounter, {"sda"}, 1024);
  set.add(kCounter, {"we\"ird\\dev\nice"}, 1.5e20);
  set.add(kGauge, 0.25);
  std::vector<Family> out = set.families();
  out.push_back(Family{&kEmpty, {}});
  return out;
}
}  // namespace

TEST(PrometheusText, Format004) {
  std::string text = render_exposition(families(), ExpositionFormat::prometheus_text);
  EXPECT_EQ(text,
            "# HELP ainode_test_bytes_total Bytes \"moved\"\\\\ here.\\nSecond.\n"
            "# TYPE ainode_test_bytes_total counter\n"
            "ainode_test_bytes_total{device=\"sda\"} 1024\n"
            "ainode_test_bytes_total{device=\"we\\\"ird\\\\dev\\nice\"} 1.5e+20\n"
            "# HELP ainode_test_ratio A ratio.\n"
            "# TYPE ainode_test_ratio gauge\n"
            "ainode_test_ratio 0.25\n");
}

TEST(PrometheusText, OpenMetrics) {
  std::string text = render_exposition(families(), ExpositionFormat::openmetrics);
  EXPECT_EQ(text,
            "# HELP ainode_test_bytes Bytes \\\"moved\\\"\\\\ here.\\nSecond.\n"
            "# TYPE ainode_test_bytes counter\n"
            "# UNIT ainode_test_bytes bytes\n"
            "ainode_test_bytes_total{device=\"sda\"} 1024\n"
            "ainode_test_bytes_total{device=\"we\\\"ird\\\\dev\\nice\"} 1.5e+20\n"
            "# HELP ainode_test_ratio A ratio.\n"
            "# TYPE ainode_test_ratio gauge\n"
            "# UNIT ainode_test_ratio ratio\n"
            "ainode_test_ratio 0.25\n"
            "# EOF\n");
}

TEST(PrometheusText, SpecialValues) {
  std::string out;
  append_value(out, std::numeric_limits<double>::infinity());
  out += ' ';
  append_value(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  append_value(out, std::nan(""));
  out += ' ';
  append_value(out, 0.1);
  out += ' ';
  append_value(out, 18446744073709551615.0);
  EXPECT_EQ(out, "+Inf -Inf NaN 0.1 18446744073709551616");
}

TEST(PrometheusText, Negotiation) {
  EXPECT_EQ(negotiate_format(""), ExpositionFormat::prometheus_text);
  EXPECT_EQ(negotiate_format("text/plain;version=0.0.4"), ExpositionFormat::prometheus_text);
  EXPECT_EQ(negotiate_format("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                             "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            ExpositionFormat::openmetrics);
  EXPECT_EQ(negotiate_format("application/openmetrics-text; q=0, text/plain"), ExpositionFormat::prometheus_text);
}

TEST(PrometheusText, LabelCountMismatchIsAProgrammingError) {
  MetricSet set;
  EXPECT_THROW(set.add(kCounter, {"a", "b"}, 1), std::logic_error);
}

TEST(PrometheusText, EmptyLabelValuesAreNotWritten) {
  static const MetricDesc kPod{"ainode_test_pod_ratio", MetricType::gauge, "", "Per pod.", {"gpu", "namespace", "pod"}};
  MetricSet set;
  set.add(kPod, {"0", "ml", "trainer-0"}, 1);
  set.add(kPod, {"1", "", ""}, 0.5);
  set.add(kPod, {"", "", ""}, 0.25);
  for (auto format : {ExpositionFormat::prometheus_text, ExpositionFormat::openmetrics}) {
    std::string text = render_exposition(set.families(), format);
    EXPECT_NE(text.find("ainode_test_pod_ratio{gpu=\"0\",namespace=\"ml\",pod=\"trainer-0\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("ainode_test_pod_ratio{gpu=\"1\"} 0.5\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ainode_test_pod_ratio 0.25\n"), std::string::npos) << text;
  }
}
