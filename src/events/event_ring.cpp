#include "events/event_ring.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "core/exact_output.hpp"

namespace ainode {

namespace {

// One event in a block: its fixed fields, then the rendered SSE bytes. The
// block is this process's own memory, never read from outside, so the
// layout is the machine's.
struct PackedHead {
  std::uint64_t id;
  std::int64_t time_ticks;  // system_clock ticks since the epoch
  std::uint32_t severity;
  std::uint32_t type_begin, type_size, json_begin, json_size;
  std::uint32_t sse_size;
};

void pack(const Event& event, std::string& into) {
  PackedHead head{event.id,
                  static_cast<std::int64_t>(event.time.time_since_epoch().count()),
                  static_cast<std::uint32_t>(event.severity),
                  event.type_begin,
                  event.type_size,
                  event.json_begin,
                  event.json_size,
                  static_cast<std::uint32_t>(event.sse.size())};
  into.append(reinterpret_cast<const char*>(&head), sizeof head);
  into.append(event.sse);
}

}  // namespace

EventRing::EventRing(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::optional<std::uint64_t> EventRing::oldest_id() const {
  if (size_ == 0) return std::nullopt;
  return newest_id_ - size_ + 1;
}

void EventRing::push(EventPtr event) {
  if (size_ > 0 && event->id != newest_id_ + 1) {
    throw std::invalid_argument("event ring: id " + std::to_string(event->id) + " after " + std::to_string(newest_id_));
  }
  newest_id_ = event->id;
  loose_.push_back(std::move(event));
  ++size_;
  drop_beyond_capacity();
  // Packing waits for two blocks' worth, so the newest 64 at least stay
  // loose: /v1/events/recent and a client that reconnects at once read them
  // without inflating anything.
  if (loose_.size() >= 2 * kBlockEvents) pack_oldest_loose();
}

void EventRing::drop_beyond_capacity() {
  if (size_ <= capacity_) return;
  size_ = capacity_;
  const std::uint64_t oldest = newest_id_ - size_ + 1;
  while (!blocks_.empty() && blocks_.front().last_id() < oldest) blocks_.pop_front();
  while (!loose_.empty() && loose_.front()->id < oldest) loose_.pop_front();
}

void EventRing::pack_oldest_loose() {
  Block block;
  block.first_id = loose_.front()->id;
  block.count = static_cast<std::uint32_t>(kBlockEvents);
  std::string packed;
  for (std::size_t i = 0; i < kBlockEvents; ++i) pack(*loose_[i], packed);
  auto deflated = exact_output(compressBound(static_cast<uLong>(packed.size())),
                               [&](char* buffer, std::size_t capacity) -> std::optional<std::size_t> {
                                 uLongf size = capacity;
                                 if (compress2(reinterpret_cast<Bytef*>(buffer), &size,
                                               reinterpret_cast<const Bytef*>(packed.data()),
                                               static_cast<uLong>(packed.size()), Z_DEFAULT_COMPRESSION) != Z_OK) {
                                   return std::nullopt;
                                 }
                                 return size;
                               });
  if (!deflated) return;  // only when out of memory: the events stay loose, nothing is lost
  block.deflated = std::move(*deflated);
  block.packed_size = static_cast<std::uint32_t>(packed.size());
  blocks_.push_back(std::move(block));
  loose_.erase(loose_.begin(), loose_.begin() + static_cast<std::ptrdiff_t>(kBlockEvents));
}

void EventRing::unpack(const Block& block, std::uint64_t from_id, std::vector<EventPtr>& out) const {
  std::string packed(block.packed_size, '\0');
  uLongf size = block.packed_size;
  if (uncompress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(block.deflated.data()),
                 static_cast<uLong>(block.deflated.size())) != Z_OK ||
      size != block.packed_size) {
    throw std::runtime_error("event ring: a packed block did not inflate");  // own memory: a bug, not input
  }
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < block.count; ++i) {
    PackedHead head;
    std::memcpy(&head, packed.data() + at, sizeof head);
    at += sizeof head;
    if (head.id >= from_id) {
      auto event = std::make_shared<Event>();
      event->id = head.id;
      event->time = std::chrono::system_clock::time_point(std::chrono::system_clock::duration(head.time_ticks));
      event->severity = static_cast<Severity>(head.severity);
      event->type_begin = head.type_begin;
      event->type_size = head.type_size;
      event->json_begin = head.json_begin;
      event->json_size = head.json_size;
      event->sse.assign(packed.data() + at, head.sse_size);
      out.push_back(std::move(event));
    }
    at += head.sse_size;
  }
}

std::vector<EventPtr> EventRing::after(std::uint64_t id) const {
  if (size_ == 0 || id >= newest_id_) return {};
  return from(id + 1);
}

std::vector<EventPtr> EventRing::newest(std::size_t limit) const {
  if (limit == 0 || size_ == 0) return {};
  return from(newest_id_ - std::min(limit, size_) + 1);
}

std::vector<EventPtr> EventRing::from(std::uint64_t first_id) const {
  std::vector<EventPtr> out;
  first_id = std::max(first_id, *oldest_id());
  out.reserve(static_cast<std::size_t>(newest_id_ - first_id + 1));
  for (const Block& block : blocks_) {
    if (block.last_id() >= first_id) unpack(block, first_id, out);
  }
  for (const EventPtr& event : loose_) {
    if (event->id >= first_id) out.push_back(event);
  }
  return out;
}

std::size_t EventRing::bytes_held() const {
  std::size_t bytes = 0;
  for (const Block& block : blocks_) bytes += block.deflated.capacity();
  for (const EventPtr& event : loose_) bytes += sizeof(Event) + event->sse.capacity();
  return bytes;
}

}  // namespace ainode
