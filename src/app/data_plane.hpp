#pragma once
// The data plane (issue 12): the local buffer of every cycle and the
// remote_write senders reading it, made from the configuration and wired
// into the agent with three calls: append() per snapshot, make_collector()
// for its own metrics and /v1/status section, buffer() for /v1/query_range.
#include <memory>
#include <vector>

#include "buffer/buffer.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"
#include "remote_write/sender.hpp"

namespace ainode {

class DataPlane {
 public:
  explicit DataPlane(const Config& config);
  ~DataPlane();  // senders stop before the buffer they read

  // From the scheduler callback: hands the snapshot over, never blocks.
  void append(std::shared_ptr<const Snapshot> snapshot);
  void start();  // starts the senders
  Buffer* buffer() { return buffer_.get(); }  // null when disabled
  // Reports buffer and sender health as metrics and in /v1/status.
  std::unique_ptr<Collector> make_collector();

 private:
  std::unique_ptr<Buffer> buffer_;
  std::vector<std::unique_ptr<RemoteWriteSender>> senders_;
};

std::vector<const MetricDesc*> data_plane_metric_descriptors();

}  // namespace ainode
