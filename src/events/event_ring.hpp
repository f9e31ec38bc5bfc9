#pragma once
// The bus's replay ring: the newest `capacity` events, for Last-Event-ID
// resumption and /v1/events/recent. Only the newest events (64 to 127) are
// kept as they are; older ones are packed, 64 at a time, into one
// zlib-deflated block. Events of a node repeat themselves (the same types,
// keys, GPUs and messages), so a block takes a fraction of its rendered bytes:
// a full default ring of 4,096 events on the 8-GPU twin held ~1.4 MB rendered.
// Reading old events (a resuming client, a large `limit`) inflates the blocks
// it needs; publishing and live delivery never do.
//
// Ids must be consecutive (the bus assigns them one by one under its lock),
// so which ids a block holds follows from its first id and its count.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace ainode {

using EventPtr = std::shared_ptr<const Event>;

class EventRing {
 public:
  static constexpr std::size_t kBlockEvents = 64;

  explicit EventRing(std::size_t capacity);

  // `event->id` must be one more than the previous event's (any id first).
  // Throws std::invalid_argument otherwise.
  void push(EventPtr event);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The oldest id still held (unset when empty).
  std::optional<std::uint64_t> oldest_id() const;
  // Every event held with an id greater than `id`, oldest first.
  std::vector<EventPtr> after(std::uint64_t id) const;
  // The newest `limit` events, oldest first.
  std::vector<EventPtr> newest(std::size_t limit) const;
  // Bytes of event data held: rendered events as they are plus the packed
  // blocks (what the ring costs, less allocator overhead).
  std::size_t bytes_held() const;

 private:
  struct Block {
    std::uint64_t first_id = 0;
    std::uint32_t count = 0;
    std::uint32_t packed_size = 0;  // bytes before deflating
    std::string deflated;
    std::uint64_t last_id() const { return first_id + count - 1; }
  };

  void pack_oldest_loose();
  void drop_beyond_capacity();
  std::vector<EventPtr> from(std::uint64_t first_id) const;  // first_id <= newest id; size() > 0
  void unpack(const Block& block, std::uint64_t from_id, std::vector<EventPtr>& out) const;

  std::size_t capacity_;
  std::deque<Block> blocks_;    // oldest first; the first may start before oldest_id()
  std::deque<EventPtr> loose_;  // the newest events, as published
  std::size_t size_ = 0;
  std::uint64_t newest_id_ = 0;
};

}  // namespace ainode
