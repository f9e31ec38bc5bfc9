#pragma once
// Prometheus remote_write 1.0 WriteRequests (proto/prometheus/remote.proto):
// one per collection cycle in the buffer, merged per series for a send.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/metric.hpp"

namespace prometheus {
class WriteRequest;
}

namespace ainode {

// One cycle's samples as a serialized (uncompressed) WriteRequest: every
// sample is a series of one sample at `timestamp_ms`, labels sorted with
// __name__, empty label values left out (Prometheus treats them as absent).
struct EncodedCycle {
  std::string bytes;
  std::int64_t samples = 0;
};
EncodedCycle encode_cycle(const std::vector<Family>& families, std::int64_t timestamp_ms);

// Builds one request from consecutive cycles, oldest first: one TimeSeries
// per label set with its samples in timestamp order (never reordered), plus
// the receiver's external labels (a series' own label of the same name wins,
// as in Prometheus). Samples older than `oldest_allowed_ms` are left out and
// counted in too_old.
class BatchBuilder {
 public:
  BatchBuilder(const std::map<std::string, std::string>& external_labels, std::int64_t oldest_allowed_ms);
  ~BatchBuilder();
  // False when `cycle_bytes` is not a WriteRequest (a corrupt record).
  bool add_cycle(const std::string& cycle_bytes);
  std::int64_t samples() const { return samples_; }
  std::int64_t too_old() const { return too_old_; }
  std::int64_t newest_timestamp_ms() const { return newest_ms_; }
  std::string serialize() const;

 private:
  std::vector<std::pair<std::string, std::string>> external_;
  std::int64_t oldest_allowed_ms_;
  std::unique_ptr<prometheus::WriteRequest> request_;
  std::map<std::string, int> series_index_;  // label set key -> position in request_
  std::int64_t samples_ = 0;
  std::int64_t too_old_ = 0;
  std::int64_t newest_ms_ = 0;
};

}  // namespace ainode
