#include "http/query_string_parser.hpp"

#include <gtest/gtest.h>

using namespace ainode;

TEST(QueryStringParser, SplitsAndDecodes) {
  auto p = parse_query_string("/x?a=1&b=two+words&c=%2C%41&flag&&=v");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 5u);
  EXPECT_EQ((*p)[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ((*p)[1].second, "two words");
  EXPECT_EQ((*p)[2].second, ",A");
  EXPECT_EQ((*p)[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*p)[4], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_EQ(query_value(*p, "b"), "two words");
  EXPECT_FALSE(query_value(*p, "zzz"));
}

TEST(QueryStringParser, NoQueryAndPath) {
  EXPECT_TRUE(parse_query_string("/x")->empty());
  EXPECT_TRUE(parse_query_string("/x?")->empty());
  EXPECT_EQ(target_path("/v1/events?types=a"), "/v1/events");
  EXPECT_EQ(target_path("/v1/events"), "/v1/events");
}

TEST(QueryStringParser, MalformedEscapesAreRefused) {
  EXPECT_FALSE(parse_query_string("/x?a=%"));
  EXPECT_FALSE(parse_query_string("/x?a=%4"));
  EXPECT_FALSE(parse_query_string("/x?a=%g0"));
  EXPECT_FALSE(parse_query_string("/x?%=1"));
  EXPECT_TRUE(parse_query_string("/x?a=%00"));  // decodes to a NUL byte; callers validate values
}
