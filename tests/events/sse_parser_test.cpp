#include "events/sse_parser.hpp"

#include <gtest/gtest.h>

using namespace ainode;

TEST(SseParser, MessagesWithIdEventAndData) {
  SseParser p;
  auto m = p.feed("retry: 2000\n\nid: 1\nevent: gpu_xid\ndata: {\"a\":1}\n\n: heartbeat\n\nid: 2\ndata: x\n\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].id, "1");
  EXPECT_EQ(m[0].event, "gpu_xid");
  EXPECT_EQ(m[0].data, "{\"a\":1}");
  EXPECT_EQ(m[1].event, "message");
  EXPECT_EQ(p.last_event_id(), "2");
  EXPECT_EQ(p.retry_ms(), 2000);
}

TEST(SseParser, SplitAnywhereAndAnyLineEnding) {
  std::string stream = "id: 7\r\nevent: e\rdata: one\r\ndata: two\n\r\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser p;
    auto m = p.feed(stream.substr(0, cut));
    auto rest = p.feed(stream.substr(cut));
    m.insert(m.end(), rest.begin(), rest.end());
    ASSERT_EQ(m.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(m[0].data, "one\ntwo");
    EXPECT_EQ(m[0].event, "e");
    EXPECT_EQ(m[0].id, "7");
  }
}

TEST(SseParser, AMessageWithoutDataIsNotDispatched) {
  SseParser p;
  EXPECT_TRUE(p.feed("event: x\n\nid: 3\n\n").empty());
  EXPECT_EQ(p.last_event_id(), "3");
}

TEST(SseParser, AnOverlongLineIsAnError) {
  SseParser p(16);
  EXPECT_TRUE(p.feed("data: " + std::string(100, 'x')).empty());
  EXPECT_NE(p.error(), "");
  EXPECT_TRUE(p.feed("\n\n").empty());
}
