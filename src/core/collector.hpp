#pragma once
// The collector contract. A collector reads one area of the host through
// HostFs and returns plain metric families; the scheduler runs it on its own
// worker thread under a deadline, so a slow source never blocks another
// collector or a scrape (docs/architecture.md).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/collector_details.hpp"
#include "core/host_fs.hpp"
#include "core/metric.hpp"
#include "core/notice.hpp"

namespace ainode {

struct CollectContext {
  const HostFs& fs;
  std::chrono::system_clock::time_point wall_time;        // when this cycle started
  std::chrono::steady_clock::time_point monotonic_time;   // same instant, for deltas

  // Non-fatal problems (one hung mount, one unreadable sensor): the collector
  // still succeeds, but each warning counts in ainode_collector_errors_total
  // and the last one shows in /v1/status.
  std::vector<std::string> warnings;
  void warn(std::string message) { warnings.push_back(std::move(message)); }

  // Optional structured detail for /v1/status (a JSON object shown under the
  // collector's name, e.g. the GPU list or the MIG tree). Built from the
  // same readings as the metrics in this cycle; set_details_lazily when
  // building it costs more than copying what it is built from.
  std::shared_ptr<const CollectorDetails> details;
  void set_details(nlohmann::json value);
  void set_details_lazily(std::function<nlohmann::json()> render) {
    details = std::make_shared<const CollectorDetails>(std::move(render));
  }

  // A warning the agent also logs at `level`: for problems the collector
  // reports once, not every cycle (the log stays quiet while they last).
  std::vector<Notice> notices;
  void notice(NoticeLevel level, std::string message) {
    warn(message);
    notices.push_back(Notice{level, std::move(message)});
  }
};

class Collector {
 public:
  virtual ~Collector() = default;

  // Stable name used in flags (--collector.<name>), labels and status.
  virtual std::string_view name() const = 0;

  // Every metric this collector can emit; registered in the catalogue so
  // docs/metrics.md and the naming checks see all of them.
  virtual std::vector<const MetricDesc*> describe() const = 0;

  // Whether a read can block for as long as its source likes: a network
  // filesystem, a driver or sensor bus, another process's memory or a remote
  // endpoint. Those get a worker thread each, so a hang holds only them;
  // collectors that read only the kernel's own tables (/proc/stat,
  // /proc/meminfo, ...) say false and share one thread.
  virtual bool can_hang() const { return true; }

  // Called from one thread at a time, never concurrently with itself, so a
  // collector may keep state between cycles (previous counters for rates).
  // A thrown exception fails this cycle of this collector only.
  virtual void collect(CollectContext& context, MetricSet& out) = 0;
};

}  // namespace ainode
