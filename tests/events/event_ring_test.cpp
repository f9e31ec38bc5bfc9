#include "events/event_ring.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace ainode;

namespace {

// Events as the twin publishes them: a few types over eight GPUs.
EventPtr make_event(std::uint64_t id) {
  EventDraft draft;
  static const char* types[] = {"gpu_clock_changed", "gpu_throttle_started", "gpu_throttle_ended", "policy_action"};
  draft.type = types[id % 4];
  draft.severity = id % 7 == 0 ? Severity::warning : Severity::info;
  draft.subject.gpu = static_cast<unsigned>(id % 8);
  draft.subject.uuid = "GPU-5f0e8c1a-0000-4000-8000-00000000000" + std::to_string(id % 8);
  draft.message = "GPU " + std::to_string(id % 8) + " sm clock now " + std::to_string(1100 + id % 900) + " MHz";
  draft.payload = {{"clock", "sm"}, {"mhz", 1100 + id % 900}, {"reasons", {"sw_power_cap"}}};
  auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'780'000'000'000 + 337 * id));
  return std::make_shared<const Event>(render_event(id, time, draft));
}

std::vector<std::uint64_t> ids(const std::vector<EventPtr>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e->id);
  return out;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto id = first; id <= last; ++id) out.push_back(id);
  return out;
}

}  // namespace

TEST(EventRing, SmallRingKeepsTheNewest) {
  EventRing ring(3);
  EXPECT_TRUE(ring.empty());
  EXPECT_FALSE(ring.oldest_id());
  EXPECT_TRUE(ring.after(0).empty());
  for (std::uint64_t id = 1; id <= 5; ++id) ring.push(make_event(id));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.oldest_id(), 3u);
  EXPECT_EQ(ids(ring.after(0)), range(3, 5));
  EXPECT_EQ(ids(ring.after(4)), range(5, 5));
  EXPECT_TRUE(ring.after(5).empty());
  EXPECT_TRUE(ring.after(99).empty());
  EXPECT_EQ(ids(ring.newest(2)), range(4, 5));
  EXPECT_EQ(ids(ring.newest(50)), range(3, 5));
  EXPECT_TRUE(ring.newest(0).empty());
}

TEST(EventRing, PackedEventsComeBackByteForByte) {
  EventRing ring(4096);
  std::vector<EventPtr> published;
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    published.push_back(make_event(id));
    ring.push(published.back());
  }
  auto all = ring.after(0);
  ASSERT_EQ(all.size(), 1000u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Event& want = *published[i];
    const Event& got = *all[i];
    ASSERT_EQ(got.id, want.id);
    EXPECT_EQ(got.sse, want.sse);
    EXPECT_EQ(got.time, want.time);
    EXPECT_EQ(got.severity, want.severity);
    EXPECT_EQ(got.type(), want.type());
    EXPECT_EQ(got.json(), want.json());
  }
  // The newest are the very objects published: live readers never inflate.
  EXPECT_EQ(ring.newest(1).front().get(), published.back().get());
}

TEST(EventRing, EveryWindowIsExactAcrossBlockEdges) {
  EventRing ring(300);  // not a multiple of the 64-event block
  for (std::uint64_t id = 1; id <= 1234; ++id) ring.push(make_event(id));
  EXPECT_EQ(ring.size(), 300u);
  EXPECT_EQ(ring.oldest_id(), 935u);
  for (std::uint64_t after : {0ull, 934ull, 935ull, 998ull, 999ull, 1000ull, 1100ull, 1170ull, 1233ull}) {
    EXPECT_EQ(ids(ring.after(after)), range(std::max<std::uint64_t>(after + 1, 935), 1234)) << after;
  }
  for (std::size_t limit : {1u, 63u, 64u, 65u, 127u, 128u, 299u, 300u, 301u}) {
    EXPECT_EQ(ids(ring.newest(limit)), range(1234 - std::min<std::size_t>(limit, 300) + 1, 1234)) << limit;
  }
}

TEST(EventRing, AFullRingHoldsAFractionOfItsRenderedBytes) {
  EventRing ring(4096);
  std::size_t rendered = 0;
  for (std::uint64_t id = 1; id <= 10000; ++id) {
    auto event = make_event(id);
    if (id > 10000 - 4096) rendered += event->sse.size();
    ring.push(std::move(event));
  }
  EXPECT_EQ(ring.size(), 4096u);
  EXPECT_EQ(ids(ring.newest(4096)).front(), 10000u - 4096 + 1);
  EXPECT_LT(ring.bytes_held() * 4, rendered) << ring.bytes_held() << " of " << rendered;
}

TEST(EventRing, RefusesIdsThatAreNotConsecutive) {
  EventRing ring(16);
  ring.push(make_event(7));  // any id first
  EXPECT_THROW(ring.push(make_event(9)), std::invalid_argument);
  EXPECT_THROW(ring.push(make_event(7)), std::invalid_argument);
  ring.push(make_event(8));
  EXPECT_EQ(ids(ring.after(0)), range(7, 8));
}
