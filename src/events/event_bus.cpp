#include "events/event_bus.hpp"

#include <algorithm>

namespace ainode {

EventBus::EventBus(std::size_t ring_capacity) : ring_(ring_capacity) {}

EventPtr EventBus::publish(EventDraft draft) {
  const auto time = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  EventPtr event = std::make_shared<const Event>(render_event(next_id_++, time, draft));
  ring_.push(event);
  ++totals_[draft.type];
  for (auto& [token, listener] : listeners_) listener(event, draft);
  return event;
}

EventBus::Subscription EventBus::subscribe(Listener listener, std::optional<std::uint64_t> after_id,
                                           const std::function<void(const Replay&)>& on_replay) {
  std::lock_guard lock(mutex_);
  if (after_id && on_replay) {
    Replay replay_value;
    Replay* replay = &replay_value;
    const std::uint64_t last = next_id_ - 1;
    std::uint64_t after = *after_id;
    if (after > last) {
      // An id this process never issued: the client saw an earlier run of
      // the agent. Everything we hold is new to it.
      replay->restarted = true;
      after = 0;
    }
    const std::uint64_t oldest = ring_.oldest_id().value_or(next_id_);
    if (after + 1 < oldest) replay->lost = oldest - after - 1;
    replay->events = ring_.after(after);
    on_replay(replay_value);
  }
  const std::uint64_t token = next_token_++;
  listeners_.emplace(token, std::move(listener));
  return Subscription(this, token);
}

void EventBus::unsubscribe(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  listeners_.erase(token);
}

std::vector<EventPtr> EventBus::recent(std::size_t limit) const {
  std::lock_guard lock(mutex_);
  return ring_.newest(limit);
}

std::uint64_t EventBus::last_id() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

EventBus::RingUse EventBus::ring_use() const {
  std::lock_guard lock(mutex_);
  return {ring_.size(), ring_.bytes_held()};
}

std::size_t EventBus::subscribers() const {
  std::lock_guard lock(mutex_);
  return listeners_.size();
}

std::map<std::string, std::uint64_t> EventBus::totals_by_type() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

EventBus::Subscription& EventBus::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    bus_ = other.bus_;
    token_ = other.token_;
    other.bus_ = nullptr;
  }
  return *this;
}

void EventBus::Subscription::reset() {
  if (bus_) bus_->unsubscribe(token_);
  bus_ = nullptr;
}

}  // namespace ainode
