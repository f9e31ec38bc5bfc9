#include "gpu/gpu_event_log.hpp"

namespace ainode {

void GpuEventLog::record(GpuEvent event) {
  std::lock_guard lock(mutex_);
  ++counts_.by_type[{event.uuid, event.type}];
  if (event.type == "xid") {
    ++counts_.xids[{event.uuid, event.data}];
    counts_.last_xid[event.uuid] = event;
  }
  recent_.push_back(std::move(event));
  if (recent_.size() > kCapacity) recent_.pop_front();
}

GpuEventLog::Counts GpuEventLog::snapshot() const {
  std::lock_guard lock(mutex_);
  Counts out = counts_;
  out.recent.assign(recent_.begin(), recent_.end());
  return out;
}

void remove_events_of(const std::set<std::string>& uuids, GpuEventLog::Counts& counts) {
  std::erase_if(counts.by_type, [&](const auto& entry) { return uuids.contains(entry.first.first); });
  std::erase_if(counts.xids, [&](const auto& entry) { return uuids.contains(entry.first.first); });
  std::erase_if(counts.last_xid, [&](const auto& entry) { return uuids.contains(entry.first); });
  std::erase_if(counts.recent, [&](const GpuEvent& event) { return uuids.contains(event.uuid); });
}

}  // namespace ainode
