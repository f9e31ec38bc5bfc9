#pragma once
// One completed collection cycle, immutable once published. Renderers
// (Prometheus text, OpenMetrics, JSON status) read it; a scrape copies bytes
// rendered once per snapshot (docs/architecture.md).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/collector_details.hpp"
#include "core/metric.hpp"
#include "core/node_summary.hpp"
#include "core/notice.hpp"

namespace ainode {

struct CollectorStatus {
  std::string name;
  bool success = false;     // this cycle's run completed without error
  bool timed_out = false;   // still running at the deadline (hung or slow)
  double duration_seconds = 0;  // of this cycle's run, or time waited when timed out
  std::uint64_t errors_total = 0;   // failed runs + warnings + timeouts since start
  std::uint64_t timeouts_total = 0;
  std::optional<std::chrono::system_clock::time_point> last_success;
  std::string last_error;   // most recent failure or warning, "" if none ever
  std::vector<std::string> warnings;  // this cycle's
  std::vector<Notice> notices;        // this cycle's, for the log (also among the warnings)
  std::shared_ptr<const CollectorDetails> details;
};

// Bytes served for one snapshot in one format: rendered at most once, on
// the first request for that format, and gzip-compressed at most once, on
// the first request that accepts gzip. Every later scrape of the snapshot
// is a copy of these bytes. (A format nobody scrapes costs nothing.) When the
// compressed bytes are asked for first (Prometheus always accepts gzip), the
// text is rendered for the compressor and dropped: the snapshot holds only
// the ~10x smaller body it serves, and renders the text again only if a
// client without gzip asks for it.
class RenderedBody {
 public:
  explicit RenderedBody(std::function<std::string()> render) : render_(std::move(render)) {}
  const std::shared_ptr<const std::string>& plain() const;
  const std::shared_ptr<const std::string>& gzipped() const;

 private:
  std::function<std::string()> render_;
  mutable std::once_flag render_once_;
  mutable std::shared_ptr<const std::string> plain_;
  mutable std::atomic<bool> plain_rendered_ = false;
  mutable std::once_flag compress_once_;
  mutable std::shared_ptr<const std::string> gzipped_;
};

// A value derived from a snapshot's families once, on first use, and shared
// by every reader of that snapshot (gpu/gpu_view.hpp keeps the per-GPU views
// here: five readers each cycle rebuilt them, ~13,000 allocations a second
// on the 8-GPU twin).
struct SnapshotMemo {
  std::once_flag once;
  std::shared_ptr<const void> value;
};

struct Snapshot {
  std::uint64_t sequence = 0;
  std::chrono::system_clock::time_point taken_at;  // cycle start
  double cycle_seconds = 0;                         // collection + rendering
  std::vector<Family> families;                     // every collector's and ainode's own
  std::vector<CollectorStatus> collectors;
  NodeSummary summary;

  std::unique_ptr<RenderedBody> prometheus_text;
  std::unique_ptr<RenderedBody> openmetrics_text;
  std::unique_ptr<SnapshotMemo> gpu_views_memo = std::make_unique<SnapshotMemo>();

  const Family* find(std::string_view name) const;
};

}  // namespace ainode
