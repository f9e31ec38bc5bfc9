#include "events/event_bus.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace ainode;

namespace {

EventDraft draft(std::string type, Severity severity = Severity::info) {
  EventDraft d;
  d.type = std::move(type);
  d.severity = severity;
  return d;
}

std::vector<std::uint64_t> ids(const std::vector<EventPtr>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e->id);
  return out;
}

}  // namespace

TEST(EventBus, IdsAreMonotonicFromOneAndEventsRenderOnce) {
  EventBus bus(8);
  auto first = bus.publish(draft("gpu_xid", Severity::critical));
  auto second = bus.publish(draft("gpu_lost"));
  EXPECT_EQ(first->id, 1u);
  EXPECT_EQ(second->id, 2u);
  EXPECT_EQ(bus.last_id(), 2u);
  EXPECT_EQ(first->sse.substr(0, first->sse.find("data: ")), "id: 1\nevent: gpu_xid\n");
  EXPECT_TRUE(first->sse.ends_with("\n\n"));
  EXPECT_EQ(first->type(), "gpu_xid");
  EXPECT_EQ(first->severity, Severity::critical);
  EXPECT_EQ(first->json().find('\n'), std::string::npos);
  EXPECT_EQ(first->sse, "id: 1\nevent: gpu_xid\ndata: " + std::string(first->json()) + "\n\n");
  auto json = nlohmann::json::parse(first->json());
  EXPECT_EQ(json["severity"], "critical");
  EXPECT_EQ(json["type"], "gpu_xid");
  EXPECT_TRUE(json["time"].get<std::string>().ends_with("Z"));
}

TEST(EventBus, NewlinesInAPayloadStayOnOneDataLine) {
  EventBus bus;
  EventDraft d = draft("collector_failed");
  d.message = "line one\nline two\r\n";
  d.payload = {{"error", "a\nb"}};
  auto event = bus.publish(d);
  auto data = event->sse.substr(event->sse.find("data: "));
  EXPECT_EQ(std::count(data.begin(), data.end(), '\n'), 2) << data;  // the line end and the blank line
}

TEST(EventBus, ListenersGetTheDraftTheEventWasMadeFrom) {
  EventBus bus;
  std::string uuid;
  nlohmann::json payload;
  auto subscription = bus.subscribe([&](const EventPtr& e, const EventDraft& d) {
    EXPECT_EQ(e->type(), d.type);
    uuid = d.subject.uuid;
    payload = d.payload;
  });
  EventDraft d = draft("gpu_xid");
  d.subject.uuid = "GPU-a";
  d.payload = {{"xid", 79}};
  auto event = bus.publish(d);
  EXPECT_EQ(uuid, "GPU-a");
  EXPECT_EQ(payload, d.payload);
  auto json = nlohmann::json::parse(event->json());
  EXPECT_EQ(json["subject"]["uuid"], "GPU-a");
  EXPECT_EQ(json["payload"], d.payload);
}

TEST(EventBus, RingKeepsTheNewestEvents) {
  EventBus bus(3);
  for (int i = 0; i < 5; ++i) bus.publish(draft("gpu_xid"));
  EXPECT_EQ(ids(bus.recent(10)), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(ids(bus.recent(2)), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(bus.totals_by_type().at("gpu_xid"), 5u);
}

TEST(EventBus, ListenersGetEventsPublishedAfterTheySubscribed) {
  EventBus bus;
  bus.publish(draft("before"));
  std::vector<std::uint64_t> seen;
  {
    auto subscription = bus.subscribe([&](const EventPtr& e, const EventDraft&) { seen.push_back(e->id); });
    EXPECT_EQ(bus.subscribers(), 1u);
    bus.publish(draft("a"));
    bus.publish(draft("b"));
  }
  EXPECT_EQ(bus.subscribers(), 0u);
  bus.publish(draft("after"));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{2, 3}));
}

TEST(EventBus, ReplayReturnsExactlyTheMissedEvents) {
  EventBus bus(16);
  for (int i = 0; i < 6; ++i) bus.publish(draft("gpu_xid"));
  EventBus::Replay replay;
  auto subscription = bus.subscribe([](const EventPtr&, const EventDraft&) {}, 3, [&](const EventBus::Replay& r) { replay = r; });
  EXPECT_EQ(ids(replay.events), (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(replay.lost, 0u);
  EXPECT_FALSE(replay.restarted);
}

TEST(EventBus, ReplaySaysHowManyTheRingNoLongerHolds) {
  EventBus bus(4);
  for (int i = 0; i < 10; ++i) bus.publish(draft("gpu_xid"));
  EventBus::Replay replay;
  auto subscription = bus.subscribe([](const EventPtr&, const EventDraft&) {}, 2, [&](const EventBus::Replay& r) { replay = r; });
  EXPECT_EQ(ids(replay.events), (std::vector<std::uint64_t>{7, 8, 9, 10}));
  EXPECT_EQ(replay.lost, 4u);  // 3, 4, 5, 6
}

TEST(EventBus, AnIdFromAnEarlierRunReplaysEverythingHeld) {
  EventBus bus(8);
  bus.publish(draft("agent_started"));
  bus.publish(draft("gpu_xid"));
  EventBus::Replay replay;
  auto subscription = bus.subscribe([](const EventPtr&, const EventDraft&) {}, 500, [&](const EventBus::Replay& r) { replay = r; });
  EXPECT_TRUE(replay.restarted);
  EXPECT_EQ(ids(replay.events), (std::vector<std::uint64_t>{1, 2}));
}

TEST(EventBus, ConcurrentPublishersNeitherLoseNorDuplicate) {
  EventBus bus(100000);
  std::mutex mutex;
  std::vector<std::uint64_t> seen;
  auto subscription = bus.subscribe([&](const EventPtr& e, const EventDraft&) {
    std::lock_guard lock(mutex);
    seen.push_back(e->id);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) bus.publish(draft("gpu_xid"));
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(seen.size(), 4000u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}
