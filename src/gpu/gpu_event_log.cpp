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

}  // namespace ainode
