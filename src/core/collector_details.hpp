#pragma once
// The structured detail a collector attaches to one cycle for /v1/status (the
// GPU list, the MIG tree, the RDMA devices). Either made at once, or rendered
// on the first read from a closure that owns what it needs: most snapshots'
// details are never read, and on the 8-GPU twin building the GPU section
// every cycle was ~9,500 allocations a second for a page nobody had opened.
#include <functional>
#include <memory>
#include <mutex>

#include <nlohmann/json_fwd.hpp>

namespace ainode {

class CollectorDetails {
 public:
  explicit CollectorDetails(nlohmann::json value);
  // `render` runs at most once, on whichever thread reads first; it must
  // not touch the collector's state, which has moved on by then. If it
  // throws, the detail is {"details_error": "..."}.
  explicit CollectorDetails(std::function<nlohmann::json()> render);
  ~CollectorDetails();
  CollectorDetails(const CollectorDetails&) = delete;
  CollectorDetails& operator=(const CollectorDetails&) = delete;

  const nlohmann::json& json() const;

 private:
  mutable std::once_flag once_;
  mutable std::function<nlohmann::json()> render_;
  mutable std::unique_ptr<nlohmann::json> value_;
};

}  // namespace ainode
