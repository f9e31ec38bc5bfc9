#include "app/data_plane.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/state_dir.hpp"

namespace ainode {

namespace {

const MetricDesc kBufferMemoryOnly{"ainode_buffer_memory_only", MetricType::gauge, "",
                                   "1 while the buffer keeps cycles in memory only (state directory unusable or disk "
                                   "write failed: full, quota, I/O error), else 0."};
const MetricDesc kBufferCycles{"ainode_buffer_cycles", MetricType::gauge, "", "Collection cycles held in the buffer."};
const MetricDesc kBufferSamples{"ainode_buffer_samples", MetricType::gauge, "", "Samples held in the buffer."};
const MetricDesc kBufferDataBytes{"ainode_buffer_data_bytes", MetricType::gauge, "bytes",
                                  "Compressed bytes of the cycles held (bounded by buffer.max_bytes)."};
const MetricDesc kBufferDiskBytes{"ainode_buffer_disk_bytes", MetricType::gauge, "bytes",
                                  "Size of the buffer database and its write-ahead log on disk."};
const MetricDesc kBufferAppended{"ainode_buffer_appended_samples_total", MetricType::counter, "",
                                 "Samples appended to the buffer since start."};
const MetricDesc kBufferDropped{"ainode_buffer_dropped_samples_total", MetricType::counter, "",
                                "Samples dropped from the buffer since start, by reason (max_bytes, max_age, "
                                "memory_full, queue_full).",
                                {"reason"}};
const MetricDesc kBufferDiskErrors{"ainode_buffer_disk_errors_total", MetricType::counter, "",
                                   "Failed writes to the buffer database since start."};
const MetricDesc kBufferCorrupt{"ainode_buffer_corrupt_cycles_total", MetricType::counter, "",
                                "Stored cycles found corrupt (checksum mismatch) and cut, since start."};
const MetricDesc kBufferWriteSeconds{"ainode_buffer_write_seconds_total", MetricType::counter, "seconds",
                                     "Time spent encoding, compressing and committing cycles to the buffer."};

const MetricDesc kSent{"ainode_remote_write_samples_sent_total", MetricType::counter, "",
                       "Samples the receiver acknowledged (2xx).", {"url"}};
const MetricDesc kFailed{"ainode_remote_write_samples_failed_total", MetricType::counter, "",
                         "Samples in requests that failed with a retryable answer (each attempt counts).", {"url"}};
const MetricDesc kDropped{"ainode_remote_write_samples_dropped_total", MetricType::counter, "",
                          "Samples given up on, by reason (http_<code>, too_old, out_of_bounds, out_of_order, "
                          "evicted, corrupt).",
                          {"url", "reason"}};
const MetricDesc kRetries{"ainode_remote_write_retries_total", MetricType::counter, "",
                          "Requests retried after a 5xx, a 429 or no answer.", {"url"}};
const MetricDesc kPending{"ainode_remote_write_pending_samples", MetricType::gauge, "",
                          "Samples in the buffer the receiver has not acknowledged yet.", {"url"}};
const MetricDesc kLag{"ainode_remote_write_lag_seconds", MetricType::gauge, "seconds",
                      "Newest collected cycle minus oldest unsent cycle; 0 when caught up.", {"url"}};
// Named as the data-plane brief asks (vmagent/Prometheus style), so no
// OpenMetrics unit: the catalogue requires a unit to end the family name.
const MetricDesc kBytesSent{"ainode_remote_write_bytes_sent_total", MetricType::counter, "",
                            "Compressed request bytes (snappy) the receiver acknowledged.", {"url"}};

class DataPlaneCollector : public Collector {
 public:
  DataPlaneCollector(Buffer* buffer, const std::vector<std::unique_ptr<RemoteWriteSender>>& senders)
      : buffer_(buffer), senders_(senders) {}
  std::string_view name() const override { return "dataplane"; }
  std::vector<const MetricDesc*> describe() const override { return data_plane_metric_descriptors(); }

  void collect(CollectContext& context, MetricSet& out) override {
    nlohmann::json details = nlohmann::json::object();
    if (buffer_ != nullptr) {
      auto s = buffer_->status();
      out.add(kBufferMemoryOnly, s.mode == "memory" ? 1 : 0);
      out.add(kBufferCycles, static_cast<double>(s.cycles));
      out.add(kBufferSamples, static_cast<double>(s.samples));
      out.add(kBufferDataBytes, static_cast<double>(s.data_bytes));
      if (s.mode == "disk" || s.file_bytes > 0) out.add(kBufferDiskBytes, static_cast<double>(s.file_bytes));
      out.add(kBufferAppended, static_cast<double>(s.appended_samples_total));
      for (std::string reason : {"max_bytes", "max_age", "memory_full", "queue_full"}) {
        auto found = s.dropped_samples_total.find(reason);
        out.add(kBufferDropped, {reason}, found == s.dropped_samples_total.end() ? 0.0 : static_cast<double>(found->second));
      }
      out.add(kBufferDiskErrors, static_cast<double>(s.disk_errors_total));
      out.add(kBufferCorrupt, static_cast<double>(s.recovery.corrupt_rows));
      out.add(kBufferWriteSeconds, s.write_seconds_total);
      if (s.degraded) context.warn("buffer is memory-only: " + s.problem);
      details["buffer"] = buffer_status_json(s);
    }
    nlohmann::json remote = nlohmann::json::array();
    for (const auto& sender : senders_) {
      auto s = sender->stats();
      out.add(kSent, {s.url}, static_cast<double>(s.samples_sent_total));
      out.add(kFailed, {s.url}, static_cast<double>(s.samples_failed_total));
      for (const auto& [reason, count] : s.samples_dropped_total) out.add(kDropped, {s.url, reason}, static_cast<double>(count));
      out.add(kRetries, {s.url}, static_cast<double>(s.retries_total));
      out.add(kPending, {s.url}, static_cast<double>(s.pending_samples));
      out.add(kLag, {s.url}, s.lag_seconds);
      out.add(kBytesSent, {s.url}, static_cast<double>(s.bytes_sent_total));
      remote.push_back(sender_stats_json(s));
    }
    details["remote_write"] = std::move(remote);
    context.set_details(std::move(details));
  }

 private:
  Buffer* buffer_;
  const std::vector<std::unique_ptr<RemoteWriteSender>>& senders_;
};

}  // namespace

std::vector<const MetricDesc*> data_plane_metric_descriptors() {
  return {&kBufferMemoryOnly, &kBufferCycles, &kBufferSamples, &kBufferDataBytes, &kBufferDiskBytes,
          &kBufferAppended,   &kBufferDropped, &kBufferDiskErrors, &kBufferCorrupt, &kBufferWriteSeconds,
          &kSent,             &kFailed,       &kDropped,        &kRetries,         &kPending,
          &kLag,              &kBytesSent};
}

DataPlane::DataPlane(const Config& config) {
  bool wanted = config.buffer.enable || !config.remote_write.endpoints.empty();
  if (!wanted) return;
  BufferOptions options;
  options.max_bytes = config.buffer.max_bytes;
  options.max_age = config.buffer.max_age;
  if (config.buffer.enable) {
    auto state = resolve_state_dir(config.state.dir);
    if (!state.reason.empty()) spdlog::warn("state directory: {}", state.reason);
    options.directory = state.path;
    options.directory_problem = state.reason;
  } else {
    // remote_write still needs a queue; without buffer.enable it is memory only.
    options.directory_problem = "buffer.enable = false";
    options.memory_by_choice = true;
  }
  buffer_ = std::make_unique<Buffer>(options);
  for (const auto& endpoint : config.remote_write.endpoints) {
    senders_.push_back(std::make_unique<RemoteWriteSender>(*buffer_, endpoint, config.remote_write));
  }
}

DataPlane::~DataPlane() { senders_.clear(); }

void DataPlane::append(std::shared_ptr<const Snapshot> snapshot) {
  if (buffer_) buffer_->append(std::move(snapshot));
}

void DataPlane::start() {
  for (auto& sender : senders_) sender->start();
}

std::unique_ptr<Collector> DataPlane::make_collector() {
  return std::make_unique<DataPlaneCollector>(buffer_.get(), senders_);
}

}  // namespace ainode
