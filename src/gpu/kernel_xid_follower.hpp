#pragma once
// XIDs from the kernel log (/dev/kmsg), read each collection cycle without
// blocking, mapped from the driver's PCI address to the agent's GPU and
// counted once with NVML's (XidLedger), published as gpu_xid with
// "source": "kmsg". NVML's event set does not deliver every XID the driver
// logs (79 "fallen off the bus", the GSP errors 119/120), hence this.
//
// At start the records already in the kernel's buffer are read too (an
// XID since boot is what an SRE restarting the agent wants to see); they
// carry "replayed": true and the time the kernel logged them, and failure
// risk counts an XID already in its saved history once. A kernel log that
// cannot be opened is said once (log, ainode_kernel_log_up 0), not retried.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/metric.hpp"
#include "core/snapshot.hpp"
#include "events/event.hpp"
#include "gpu/kmsg_parser.hpp"
#include "gpu/xid_ledger.hpp"

namespace ainode {

// Where records come from: /dev/kmsg, or a test's list.
class KmsgSource {
 public:
  enum class Read { record, empty, overwritten, failed };
  virtual ~KmsgSource() = default;
  // One record into `record` (record), nothing more for now (empty), records
  // lost to an overrun since the last read (overwritten), or an error.
  virtual Read read(std::string& record) = 0;
  // Now on the clock kmsg timestamps use (CLOCK_MONOTONIC), microseconds.
  virtual std::uint64_t monotonic_now_microseconds() const = 0;
};

// Opens `path` (a /dev/kmsg) non-blocking; nullptr with `error` set when it cannot.
std::unique_ptr<KmsgSource> open_dev_kmsg(const std::string& path, std::string& error);

class KernelXidFollower {
 public:
  using Clock = std::chrono::system_clock;
  // `source` null: the kernel log is unavailable for `reason`, or turned
  // off when `reason` is "" (then no metric is exported either).
  KernelXidFollower(std::unique_ptr<KmsgSource> source, std::string reason, XidLedger& ledger,
                    Clock::time_point started = Clock::now());

  // Reads what the kernel logged since the last cycle; the gpu_xid events to publish.
  std::vector<EventDraft> poll(const Snapshot& snapshot, Clock::time_point now = Clock::now());

  void add_metrics(MetricSet& out) const;
  static std::vector<const MetricDesc*> descriptors();
  bool available() const { return source_ != nullptr; }
  // Why the kernel log is not followed; "" when it is, or when turned off.
  const std::string& reason() const { return reason_; }

 private:
  struct Gpu {
    unsigned index = 0;
    std::string uuid;
  };
  void learn_gpus(const Snapshot& snapshot);
  void handle(const KmsgRecord& record, Clock::time_point now, std::uint64_t monotonic_now, std::vector<EventDraft>& out);

  std::unique_ptr<KmsgSource> source_;
  std::string reason_;
  XidLedger& ledger_;
  Clock::time_point started_;
  std::map<PciAddress, Gpu> gpus_;  // every GPU seen, so a lost one still maps
  std::optional<std::uint64_t> last_sequence_;
  std::map<std::tuple<unsigned, std::string, std::uint32_t>, std::uint64_t> xids_;  // (gpu, uuid, code) -> count
  std::uint64_t unmatched_ = 0, overwritten_ = 0, rate_limited_ = 0, read_errors_ = 0;
};

}  // namespace ainode
