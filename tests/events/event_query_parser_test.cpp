#include "events/event_query_parser.hpp"

#include <gtest/gtest.h>

using namespace ainode;

TEST(EventQueryParser, EmptyQueryMatchesEverything) {
  auto r = parse_event_query("/v1/events", "");
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.query.types.empty());
  EXPECT_EQ(r.query.min_severity, Severity::info);
  EXPECT_FALSE(r.query.last_event_id);
  EXPECT_TRUE(r.query.matches("anything", Severity::info));
}

TEST(EventQueryParser, TypesAndSeverityFilter) {
  auto r = parse_event_query("/v1/events?types=gpu_xid,gpu_throttle_start&severity=warning", "");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.query.types, (std::set<std::string, std::less<>>{"gpu_xid", "gpu_throttle_start"}));
  EXPECT_TRUE(r.query.matches("gpu_xid", Severity::critical));
  EXPECT_TRUE(r.query.matches("gpu_throttle_start", Severity::warning));
  EXPECT_FALSE(r.query.matches("gpu_throttle_start", Severity::info));
  EXPECT_FALSE(r.query.matches("gpu_lost", Severity::critical));
}

TEST(EventQueryParser, PercentEncodedCommasAndEmptyItems) {
  auto r = parse_event_query("/v1/events?types=gpu_xid%2Cgpu_lost,,", "");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.query.types, (std::set<std::string, std::less<>>{"gpu_xid", "gpu_lost"}));
}

TEST(EventQueryParser, LastEventIdFromHeaderOrQueryTheQueryWins) {
  EXPECT_EQ(parse_event_query("/v1/events", "41").query.last_event_id, 41u);
  EXPECT_EQ(parse_event_query("/v1/events?last_event_id=7", "41").query.last_event_id, 7u);
}

TEST(EventQueryParser, LimitForRecent) {
  EXPECT_EQ(parse_event_query("/v1/events/recent?limit=5", "").query.limit, 5u);
  EXPECT_NE(parse_event_query("/v1/events/recent?limit=0", "").error, "");
}

TEST(EventQueryParser, ErrorsNameTheParameter) {
  EXPECT_NE(parse_event_query("/v1/events?severity=loud", "").error.find("severity"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events?last_event_id=-1", "").error.find("last_event_id"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events", "abc").error.find("Last-Event-ID"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events?types=GPU<x>", "").error.find("types"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events?colour=red", "").error.find("colour"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events?types=%zz", "").error.find("percent"), std::string::npos);
  EXPECT_NE(parse_event_query("/v1/events?types=%4", "").error, "");
  EXPECT_NE(parse_event_query("/v1/events?last_event_id=99999999999999999999999", "").error, "");
}
