#include "collectors/app/exposition_parser.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ainode {
namespace {

TEST(ExpositionParser, ReadsSamplesLabelsEscapesTimestampsAndExemplars) {
  auto parsed = parse_exposition(
      "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
      "# TYPE vllm:prompt_tokens_total counter\n"
      "vllm:prompt_tokens_total{engine=\"0\",model_name=\"meta-llama/Llama-3.1-8B\"} 1.2345e+06\n"
      "plain 7 1700000000000\r\n"
      "  indented{a=\"x\\\"y\\\\z\\nw\",} +Inf\n"
      "om_total{a=\"1\"} 3 # {trace_id=\"abc\"} 1.0 1700000000.1\n"
      "nan_value NaN\n"
      "# EOF\n"
      "after_eof 1\n");
  ASSERT_EQ(parsed.samples.size(), 5u);
  EXPECT_EQ(parsed.malformed_lines, 0u);
  EXPECT_EQ(parsed.samples[0].name, "vllm:prompt_tokens_total");
  ASSERT_NE(parsed.samples[0].label("model_name"), nullptr);
  EXPECT_EQ(*parsed.samples[0].label("model_name"), "meta-llama/Llama-3.1-8B");
  EXPECT_EQ(parsed.samples[0].value, 1234500);
  EXPECT_EQ(parsed.samples[1].value, 7);
  EXPECT_EQ(*parsed.samples[2].label("a"), "x\"y\\z\nw");
  EXPECT_TRUE(std::isinf(parsed.samples[2].value));
  EXPECT_EQ(parsed.samples[3].value, 3);
  EXPECT_TRUE(std::isnan(parsed.samples[4].value));
  EXPECT_EQ(parsed.samples[4].label("missing"), nullptr);
}

TEST(ExpositionParser, SkipsAndCountsMalformedLines) {
  auto parsed = parse_exposition(
      "good 1\n"
      "{no_name=\"x\"} 1\n"
      "unterminated{a=\"x} 1\n"
      "bad_escape{a=\"\\q\"} 1\n"
      "no_value\n"
      "word_value abc\n"
      "hex_value 0x10\n"
      "extra 1 2 3\n"
      "colon_label{a:b=\"1\"} 1\n"
      "also_good{} 2\n");
  ASSERT_EQ(parsed.samples.size(), 2u);
  EXPECT_EQ(parsed.samples[1].name, "also_good");
  EXPECT_EQ(parsed.malformed_lines, 8u);
}

TEST(ExpositionParser, StopsAtTheSampleLimit) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "m{i=\"" + std::to_string(i) + "\"} 1\n";
  auto parsed = parse_exposition(text, 10);
  EXPECT_EQ(parsed.samples.size(), 10u);
  EXPECT_TRUE(parsed.truncated);
}

}  // namespace
}  // namespace ainode
