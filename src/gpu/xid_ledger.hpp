#pragma once
// Each XID counted once, whichever source saw it first. NVML's event API and
// the kernel log report the same XIDs, but neither reports all of them
// (NVML's event set misses XID 79 and the GSP errors 119/120; a log overrun
// or the kernel's rate limiter loses lines), and they see them at different
// times (the kernel log at once, NVML at the next collection). A sighting is
// a duplicate when the other source saw the same code on the same GPU within
// the window and that sighting has not been matched yet, so a burst of ten
// XID 13s is ten XIDs, not one. Used from the collection cycle only.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/metric.hpp"
#include "events/event.hpp"

namespace ainode {

class XidLedger {
 public:
  using Clock = std::chrono::system_clock;
  explicit XidLedger(Clock::duration window) : window_(window) {}

  // True when this is the first sighting; `gpu` is the GPU's UUID (or its
  // PCI address when no GPU of this agent has it).
  bool first_sighting(const std::string& gpu, std::uint32_t code, Clock::time_point at, const std::string& source);

  // The cycle's events with NVML's gpu_xid events cut to the XIDs not
  // already seen in the kernel log ("count" lowered; none left: dropped).
  std::vector<EventDraft> deduplicate(std::vector<EventDraft> events, Clock::time_point now = Clock::now());

  void add_metrics(MetricSet& out) const;
  static std::vector<const MetricDesc*> descriptors();

 private:
  struct Unmatched {
    Clock::time_point at;
    std::string source;
  };
  Clock::duration window_;
  std::map<std::pair<std::string, std::uint32_t>, std::deque<Unmatched>> unmatched_;
  std::map<std::string, std::uint64_t> first_by_source_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace ainode
