#pragma once
// The gpu_xid event, one shape whichever source saw the XID (NVML's event
// API or the kernel log): the catalogue's meaning, origin and action, and
// "source" (docs/events.md).
#include <cstdint>
#include <string_view>

#include "events/event.hpp"

namespace ainode {

EventDraft xid_event(const EventSubject& subject, std::uint64_t code, double count, std::string_view source);

}  // namespace ainode
