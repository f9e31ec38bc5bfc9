#pragma once
// The in-process event bus (DESIGN: src/events). Producers call publish();
// subscribers (SSE clients, the TUI's stream, tests) get every event after
// they subscribed, and may first replay what they missed from a bounded ring.
//
// Listeners run on the publisher's thread, under the bus lock, so a
// subscriber sees replay and live events in order with none missed or
// doubled. A listener must therefore only hand the event off (queue it) and
// must never call back into the bus.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "events/event_ring.hpp"

namespace ainode {

class EventBus {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  explicit EventBus(std::size_t ring_capacity = kDefaultCapacity);
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Assigns the next id and the current time, renders, stores and delivers.
  EventPtr publish(EventDraft draft);

  // Gets the stored event and the draft it was made from; the draft (subject,
  // payload as JSON values) lives only for the call, so a listener that needs
  // it later copies what it needs.
  using Listener = std::function<void(const EventPtr& event, const EventDraft& draft)>;

  // What a resuming subscriber missed.
  struct Replay {
    std::vector<EventPtr> events;  // after the requested id, oldest first
    std::uint64_t lost = 0;        // events after that id the ring no longer holds
    bool restarted = false;        // the id is ahead of this process's: the agent restarted since
  };

  // Unsubscribes when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(EventBus* bus, std::uint64_t token) : bus_(bus), token_(token) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription() { reset(); }
    void reset();

   private:
    EventBus* bus_ = nullptr;
    std::uint64_t token_ = 0;
  };

  // Registers `listener` for events published from now on. With `after_id`,
  // first calls `on_replay` with the ring's events after that id, under the
  // same lock as the registration, so nothing is missed or seen twice
  // between the two (on_replay, like a listener, must only queue).
  Subscription subscribe(Listener listener, std::optional<std::uint64_t> after_id = std::nullopt,
                         const std::function<void(const Replay&)>& on_replay = {});

  // The newest `limit` events of the ring, oldest first.
  std::vector<EventPtr> recent(std::size_t limit) const;
  std::uint64_t last_id() const;
  struct RingUse {
    std::size_t events = 0, bytes = 0;
  };
  RingUse ring_use() const;
  std::size_t subscribers() const;
  // Events published since start, by type.
  std::map<std::string, std::uint64_t> totals_by_type() const;

 private:
  void unsubscribe(std::uint64_t token);

  mutable std::mutex mutex_;
  EventRing ring_;
  std::uint64_t next_id_ = 1;
  std::uint64_t next_token_ = 1;
  std::map<std::uint64_t, Listener> listeners_;
  std::map<std::string, std::uint64_t> totals_;
};

}  // namespace ainode
