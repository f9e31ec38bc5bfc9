#pragma once
// What failure risk remembers of one GPU between cycles: compact per-signal
// histories (a point a minute, a day at most), not snapshots, so a node of
// eight GPUs costs kilobytes. It is saved in the state directory, so an
// agent restart does not forget that a GPU fell off the bus an hour ago.
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "aiops/risk_action.hpp"
#include "core/time_window.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

struct XidSighting {
  std::chrono::system_clock::time_point at;
  unsigned code = 0;
  std::string source;  // "nvml" or "kmsg"
};

struct GpuRiskHistory {
  using Clock = std::chrono::system_clock;
  static constexpr auto kMinute = std::chrono::minutes(1);
  static constexpr auto kDay = std::chrono::hours(24);
  // XIDs are remembered three days: long enough that a GPU which fell off
  // the bus on Friday evening is still flagged on Monday morning.
  static constexpr auto kXidMemory = std::chrono::hours(72);

  unsigned gpu = 0;
  std::string uuid;
  // Counter readings, one a minute (plus the first), for rates and trends;
  // uncorrected_ecc keeps a run of equal readings as its first and last.
  // The corrected count's only reader is its rate over the day: a point
  // every 5 minutes moves that window's start by at most 5 of its 1,440
  // minutes, and 288 points a day instead of 1,440 are ~18 KB less per GPU.
  static constexpr auto kCorrectedEccEvery = std::chrono::minutes(5);
  TimeWindow<double> corrected_ecc{kDay, 1500};
  TimeWindow<double> uncorrected_ecc{kDay, 1500};
  TimeWindow<double> pcie_replays{std::chrono::hours(1), 120};
  TimeWindow<double> nvlink_errors{std::chrono::hours(1), 120};
  // Seconds per minute the GPU spent hot (thermal throttling or at its
  // thermal limit) and held down by a hardware slowdown; minutes with none
  // are not kept.
  TimeWindow<double> hot_seconds{kDay, 1500};
  TimeWindow<double> slowdown_seconds{kDay, 1500};
  std::deque<Clock::time_point> hot_episodes;  // starts of hot spells (thermal cycles), last day
  std::deque<XidSighting> xids;                // last kXidMemory
  std::set<unsigned> nvlinks_seen_up;

  // The minute being accumulated and the previous observation.
  std::optional<Clock::time_point> last_seen, minute_start;
  double minute_hot = 0, minute_slowdown = 0;
  bool hot = false;

  // The last assessment, so a change is announced once, across restarts too.
  RiskAction action = RiskAction::none;
  double risk = 0;
};

// True when the GPU is running at its thermal limit: throttled for heat, or
// at (or above) the lower of its slowdown and maximum operating temperatures.
bool running_hot(const GpuView& gpu);

// Folds one cycle's reading into the history.
void update_history(GpuRiskHistory& history, const GpuView& gpu, GpuRiskHistory::Clock::time_point now);

// Adds an XID seen by either source; a second sighting of the same code
// within two seconds is the same XID (a restart replaying the kernel log).
void record_xid(GpuRiskHistory& history, const XidSighting& sighting);

// The corrected/uncorrected ECC counter risk reads: aggregate (lifetime)
// when the GPU reports it, else volatile (since the driver loaded).
std::optional<double> ecc_count(const GpuView& gpu, const std::string& type);
// All NVLink error counters summed over every link.
std::optional<double> nvlink_error_count(const GpuView& gpu);

nlohmann::json history_to_json(const GpuRiskHistory& history);
// Throws nlohmann::json::exception (or std::invalid_argument) on a malformed entry.
GpuRiskHistory history_from_json(const nlohmann::json& json);

}  // namespace ainode
