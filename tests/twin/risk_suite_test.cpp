// Failure risk on the twin's labelled suite (tests/scenarios/): every
// scenario is replayed through the agent's own NVML sampler against the
// simulated NVML, in-process, every 5 s of scenario time; XID events come
// from the same event API the agent's watcher uses. GPUs with an injected
// hardware fault must rank above the rest (AUC >= 0.95), and no GPU of a
// healthy scenario may leave `none`. A throttle fault (thermal, hw_slowdown)
// counts only if the physics applied it (its reason bit showed in a reading
// inside its window), as the RCA suite's physics labels decide: a marginal
// cooling fault that keeps the GPU below its slowdown limit, or one the power
// cap pre-empts, stressed nothing.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "aiops/risk_rules.hpp"
#include "gpu/nvml/nvml_sampler.hpp"
#include "gpu/xid_catalogue.hpp"
#include "twin/causes.hpp"
#include "twin/physics_labels.hpp"

using namespace ainode;
using namespace ainode::twin;
namespace fs = std::filesystem;

namespace {

// Causes that are a fault of the GPU itself. A power cap is an operator's
// setting, and XID 13 (a graphics exception) is NVIDIA's "check the
// application": neither says the hardware is failing, so those GPUs count
// with the healthy ones and must not rank above the faulty.
bool hardware_fault(const Fault& fault) {
  switch (fault.kind) {
    case Cause::thermal:
    case Cause::hw_slowdown:
    case Cause::pcie_link_degraded:
    case Cause::nvlink_errors:
    case Cause::ecc_errors:
    case Cause::gpu_lost: return true;
    case Cause::xid: {
      auto action = xid_info(fault.xid).action;
      return action != XidAction::check_application && action != XidAction::none;
    }
    default: return false;
  }
}

ThrottleReading throttle_reading(const GpuReading& reading, double t) {
  ThrottleReading r;
  r.t = t;
  r.lost = !reading.up;
  r.reasons = reading.clock_event_reasons.value_or(0);
  auto limit = [&](const char* name) {
    auto it = reading.power_limits_watts.find(name);
    return it == reading.power_limits_watts.end() ? 0.0 : it->second;
  };
  r.enforced_limit_w = limit("enforced");
  r.default_limit_w = limit("default");
  return r;
}

// Whether the physics applied `fault`: counters, events and lost GPUs always
// show their symptom; a throttle fault only while its own reason bit is set.
bool fault_applied(const Fault& fault, const std::vector<ThrottleReading>& readings) {
  if (!is_throttle_cause(fault.kind)) return true;
  return std::any_of(readings.begin(), readings.end(), [&](const ThrottleReading& r) {
    return r.t >= fault.from_seconds && r.t <= fault.to_seconds && throttle_applied(fault.kind, r);
  });
}

// Time spent in failure risk itself (history update + assessment), summed
// over every GPU of a cycle: what risk costs the agent per collection cycle.
struct Cost {
  std::chrono::steady_clock::duration total{};
  std::size_t cycles = 0;
};

struct GpuOutcome {
  std::string scenario;
  unsigned gpu = 0;
  bool faulty = false, healthy_scenario = false;
  double max_risk = 0;
  RiskAction max_action = RiskAction::none;
  std::string reasons;
};

// Probability that a random faulty GPU outranks a random other one (ties half).
double auc(const std::vector<GpuOutcome>& outcomes) {
  double wins = 0, pairs = 0;
  for (const auto& p : outcomes) {
    if (!p.faulty) continue;
    for (const auto& n : outcomes) {
      if (n.faulty) continue;
      pairs += 1;
      wins += p.max_risk > n.max_risk ? 1 : p.max_risk == n.max_risk ? 0.5 : 0;
    }
  }
  return pairs == 0 ? 0 : wins / pairs;
}

class RiskSuite : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("AINODE_NVML_SIM_CLOCK_FILE");
    unsetenv("AINODE_NVML_SIM_SCENARIO");
    fs::remove(clock_);
  }

  Cost cost_;

  std::vector<GpuOutcome> replay(const fs::path& file) {
    setenv("AINODE_NVML_SIM_SCENARIO", file.c_str(), 1);
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock_.c_str(), 1);
    std::ofstream(clock_) << 0;
    const NvmlApi& api = library_.api();
    EXPECT_EQ(api.init(), NVML_SUCCESS) << file;
    Causes causes = load_causes(file.string());
    bool healthy = std::any_of(causes.labels.begin(), causes.labels.end(),
                               [](const Label& l) { return l.cause == Cause::none; });
    double duration = 300;
    for (const auto& f : causes.faults) duration = std::max(duration, std::min(f.to_seconds + 60, 900.0));

    unsigned count = 0;
    api.device_count(&count);
    nvmlEventSet_t set = nullptr;
    api.event_set_create(&set);
    std::map<nvmlDevice_t, std::string> uuid_of;
    for (unsigned i = 0; i < count; ++i) {
      nvmlDevice_t device = nullptr;
      api.device_by_index(i, &device);
      char uuid[96] = {};
      api.uuid(device, uuid, sizeof uuid);
      uuid_of[device] = uuid;
      api.register_events(device, nvmlEventTypeXidCriticalError, set);
    }

    // Per GPU, the throttle readings the sampler saw (physics labels' input).
    std::map<unsigned, std::vector<ThrottleReading>> throttle;
    GpuEventLog log;
    NvmlSampler sampler(api, NvmlSamplerOptions{}, log);
    HostFs host(fs::path(AINODE_SOURCE_DIR) / "tests/fixtures/proc", fs::path(AINODE_SOURCE_DIR) / "tests/fixtures/sys",
                fs::path(AINODE_SOURCE_DIR) / "tests/fixtures");
    std::map<std::string, GpuRiskHistory> histories;
    std::map<unsigned, GpuOutcome> outcomes;
    const auto start = GpuRiskHistory::Clock::time_point(std::chrono::hours(24 * 365 * 50));
    for (double t = 0; t <= duration; t += 5) {
      std::ofstream(clock_) << t;
      auto now = start + std::chrono::seconds(static_cast<long>(t));
      nvmlEventData_t event{};
      while (api.event_set_wait(set, &event, 0) == NVML_SUCCESS) {
        if (event.eventType == nvmlEventTypeXidCriticalError) {
          record_xid(histories[uuid_of[event.device]], XidSighting{now, static_cast<unsigned>(event.eventData), "nvml"});
        }
      }
      auto readings = sampler.sample(host);
      ++cost_.cycles;
      for (auto& reading : readings) {
        throttle[reading.index].push_back(throttle_reading(reading, t));
        GpuView view;
        view.reading = reading;
        auto& history = histories[reading.uuid];
        auto started = std::chrono::steady_clock::now();
        update_history(history, view, now);
        RiskAssessment risk = assess_risk(view, history, now);
        cost_.total += std::chrono::steady_clock::now() - started;
        auto& outcome = outcomes[reading.index];
        if (risk.value > outcome.max_risk) {
          outcome.max_risk = risk.value;
          outcome.reasons.clear();
          for (const auto& r : risk.reasons) outcome.reasons += r.reason + " ";
        }
        outcome.max_action = std::max(outcome.max_action, risk.action);
      }
    }
    api.event_set_free(set);
    api.shutdown();
    std::vector<GpuOutcome> out;
    for (auto& [index, outcome] : outcomes) {
      outcome.scenario = file.stem().string();
      outcome.gpu = index;
      outcome.healthy_scenario = healthy;
      outcome.faulty = std::any_of(causes.faults.begin(), causes.faults.end(), [&](const Fault& f) {
        return f.subject.gpu == index && hardware_fault(f) && fault_applied(f, throttle[index]);
      });
      out.push_back(outcome);
    }
    return out;
  }

  fs::path clock_ = fs::temp_directory_path() / ("ainode-risk-suite-clock-" + std::to_string(getpid()));
  NvmlLibrary library_{AINODE_NVML_SIM_PATH};
};

}  // namespace

TEST_F(RiskSuite, FaultyGpusRankAboveHealthyOnesAndHealthyStayNone) {
  ASSERT_TRUE(library_.loaded()) << library_.error();
  std::vector<GpuOutcome> all;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(AINODE_SOURCE_DIR) / "tests/scenarios")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto outcomes = replay(file);
    all.insert(all.end(), outcomes.begin(), outcomes.end());
  }
  int faulty = 0, flagged_faulty = 0, others = 0, flagged_others = 0;
  for (const auto& o : all) {
    if (o.faulty || o.max_risk > 0) {
      std::printf("%-36s gpu %u %-7s risk %.3f action %-5s %s\n", o.scenario.c_str(), o.gpu,
                  o.faulty ? "FAULTY" : "other", o.max_risk, std::string(to_string(o.max_action)).c_str(),
                  o.reasons.c_str());
    }
    (o.faulty ? faulty : others) += 1;
    if (o.max_action != RiskAction::none) (o.faulty ? flagged_faulty : flagged_others) += 1;
    if (o.healthy_scenario) {
      EXPECT_EQ(o.max_action, RiskAction::none) << o.scenario << " GPU " << o.gpu << ": " << o.reasons;
    }
  }
  double area = auc(all);
  std::printf("risk AUC %.4f over %d faulty and %d other GPUs; action != none: %d/%d faulty, %d/%d other\n", area,
              faulty, others, flagged_faulty, faulty, flagged_others, others);
  std::printf("risk cost: %.1f us per cycle, all GPUs of the scenario (8 in most; history update + assessment; mean of %zu cycles)\n",
              std::chrono::duration<double, std::micro>(cost_.total).count() / static_cast<double>(cost_.cycles),
              cost_.cycles);
  ASSERT_GE(faulty, 15);
  EXPECT_GE(area, 0.95);
}
