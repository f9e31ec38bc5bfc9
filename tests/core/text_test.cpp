#include "core/text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <span>
#include <string>
#include <vector>

using namespace ainode;

TEST(Text, LinesAndFields) {
  auto ls = text::lines("a b\n\tc  d\nlast");
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_EQ(ls[2], "last");
  auto fs = text::fields(ls[1]);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0], "c");
  EXPECT_TRUE(text::lines("").empty());
  EXPECT_TRUE(text::fields("   \t ").empty());
}

// The splitters reserve before they split: the edges of that.
TEST(Text, SplittersEdgesAndAllocation) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(text::lines("a\n\nb\n"), (V{"a", "", "b"}));
  EXPECT_EQ(text::lines("\n"), (V{""}));
  EXPECT_EQ(text::lines("x"), (V{"x"}));
  EXPECT_EQ(text::fields(" 1\t 2  3 \t"), (V{"1", "2", "3"}));
  EXPECT_EQ(text::fields("1"), (V{"1"}));
  EXPECT_EQ(text::split("a,,b,", ','), (V{"a", "", "b", ""}));
  EXPECT_EQ(text::split("", ','), (V{""}));
  std::string stat = "S 1 1 1 0 -1 4194560 22418 1396268 116 977";
  for (int i = 0; i < 40; ++i) stat += " " + std::to_string(i);
  auto f = text::fields(stat);
  EXPECT_EQ(f.size(), 51u);
  std::array<std::string_view, 3> first{};
  EXPECT_EQ(text::leading_fields("  S\t1  2 3 4", first), 3u);
  EXPECT_EQ(first, (std::array<std::string_view, 3>{"S", "1", "2"}));
  std::array<std::string_view, 3> short_line{};
  EXPECT_EQ(text::leading_fields(" a b ", short_line), 2u);
  EXPECT_EQ(short_line[1], "b");
  EXPECT_EQ(text::leading_fields(" \t ", short_line), 0u);
  EXPECT_EQ(text::leading_fields("a", std::span<std::string_view>{}), 0u);
  auto l = text::lines("a\nb\nc\nd\ne\n");
  EXPECT_EQ(l.capacity(), l.size());
  auto s = text::split("1,2,3,4,5,6,7", ',');
  EXPECT_EQ(s.capacity(), s.size());
}

TEST(Text, StrictNumbers) {
  EXPECT_EQ(text::to_u64("18446744073709551615"), 18446744073709551615ull);
  EXPECT_FALSE(text::to_u64("18446744073709551616"));
  EXPECT_FALSE(text::to_u64("12x"));
  EXPECT_FALSE(text::to_u64(""));
  EXPECT_FALSE(text::to_u64("-1"));
  EXPECT_EQ(text::to_i64("-42"), -42);
  EXPECT_DOUBLE_EQ(*text::to_double("0.25"), 0.25);
  EXPECT_FALSE(text::to_double("1.5.2"));
  EXPECT_THROW(text::require_u64("abc", "field"), ParseError);
}

TEST(Text, KeyValueAndOctal) {
  auto kv = text::split_key_value("MemTotal:   16 kB", ':');
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->key, "MemTotal");
  EXPECT_EQ(kv->value, "16 kB");
  EXPECT_FALSE(text::split_key_value("nothing", ':'));
  EXPECT_EQ(text::unescape_octal("/mnt/my\\040disk"), "/mnt/my disk");
  EXPECT_EQ(text::unescape_octal("trailing\\04"), "trailing\\04");
  EXPECT_EQ(text::unescape_octal("\\"), "\\");
}
