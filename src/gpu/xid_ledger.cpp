#include "gpu/xid_ledger.hpp"

namespace ainode {

namespace {
const MetricDesc kXidsFirstSeen{"ainode_gpu_xids_first_seen_total", MetricType::counter, "",
                                "XIDs counted once, by the source that saw them first (nvml: the driver's event API, "
                                "kmsg: the kernel log).",
                                {"source"}};
const MetricDesc kXidDuplicates{"ainode_gpu_xid_duplicates_total", MetricType::counter, "",
                                "XID sightings dropped because the other source had already reported the same XID."};
}  // namespace

std::vector<const MetricDesc*> XidLedger::descriptors() { return {&kXidsFirstSeen, &kXidDuplicates}; }

bool XidLedger::first_sighting(const std::string& gpu, std::uint32_t code, Clock::time_point at, const std::string& source) {
  auto& pending = unmatched_[{gpu, code}];
  while (!pending.empty() && pending.front().at + window_ < at) pending.pop_front();
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    auto gap = it->at > at ? it->at - at : at - it->at;
    if (it->source != source && gap <= window_) {
      pending.erase(it);
      ++duplicates_;
      return false;
    }
  }
  pending.push_back({at, source});
  ++first_by_source_[source];
  // Bounded: a storm of one code keeps the newest sightings only.
  if (pending.size() > 1024) pending.pop_front();
  return true;
}

std::vector<EventDraft> XidLedger::deduplicate(std::vector<EventDraft> events, Clock::time_point now) {
  std::vector<EventDraft> out;
  out.reserve(events.size());
  for (auto& event : events) {
    if (event.type != "gpu_xid" || event.payload.value("source", "") != "nvml") {
      out.push_back(std::move(event));
      continue;
    }
    auto code = event.payload.value("xid", std::uint64_t{0});
    auto count = static_cast<std::uint64_t>(event.payload.value("count", 1.0));
    std::uint64_t fresh = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (first_sighting(event.subject.uuid, static_cast<std::uint32_t>(code), now, "nvml")) ++fresh;
    }
    if (fresh == 0) continue;
    event.payload["count"] = fresh;
    out.push_back(std::move(event));
  }
  return out;
}

void XidLedger::add_metrics(MetricSet& out) const {
  for (const char* source : {"nvml", "kmsg"}) {
    auto it = first_by_source_.find(source);
    out.add(kXidsFirstSeen, {source}, it == first_by_source_.end() ? 0 : static_cast<double>(it->second));
  }
  out.add(kXidDuplicates, static_cast<double>(duplicates_));
}

}  // namespace ainode
