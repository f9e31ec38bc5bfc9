#pragma once
#include <memory>
#include <mutex>

#include "core/snapshot.hpp"

namespace ainode {

// The latest published snapshot. Readers take a shared_ptr and keep serving
// from it even if a newer one is published meanwhile.
class SnapshotStore {
 public:
  void publish(std::shared_ptr<const Snapshot> snapshot) {
    std::lock_guard lock(mutex_);
    latest_ = std::move(snapshot);
  }
  std::shared_ptr<const Snapshot> latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> latest_;
};

}  // namespace ainode
