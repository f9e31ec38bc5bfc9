#include "core/text.hpp"

#include <gtest/gtest.h>

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
