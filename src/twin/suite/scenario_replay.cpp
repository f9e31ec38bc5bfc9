#include "scenario_replay.hpp"

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "aiops/rca_engine.hpp"
#include "app/builtin_collectors.hpp"
#include "gpu/nvml/nvml_library.hpp"
#include "twin/host_tree.hpp"
#include "twin/scenario_file.hpp"

namespace fs = std::filesystem;

namespace ainode::twin {

namespace {

// Scenario time 0 as wall time: a fixed instant, so findings' times are the
// same on every run.
const std::chrono::system_clock::time_point kEpoch = std::chrono::system_clock::time_point(std::chrono::seconds(1798761600));

void write_clock(const fs::path& clock, double t) {
  fs::path temporary = clock;
  temporary += ".tmp";
  std::ofstream(temporary) << t;
  fs::rename(temporary, clock);
}

double scenario_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time - kEpoch).count();
}

// The agent's NVML event thread sees an event some milliseconds after the
// simulated clock passes it. This second event set on the simulator tells
// when an event is due, and the replay waits for the agent's thread then
// (only then: an XID scenario pays 100 ms once, the others nothing).
class EventPacer {
 public:
  explicit EventPacer(const fs::path& library) : library_(library.string()) {
    const NvmlApi& api = library_.api();
    if (!library_.loaded() || api.init() != NVML_SUCCESS) return;
    initialized_ = true;
    if (!api.event_set_create || !api.register_events || !api.event_set_wait || api.event_set_create(&set_) != NVML_SUCCESS) return;
    unsigned count = 0;
    if (api.device_count(&count) != NVML_SUCCESS) return;
    for (unsigned i = 0; i < count; ++i) {
      nvmlDevice_t device = nullptr;
      if (api.device_by_index(i, &device) == NVML_SUCCESS) api.register_events(device, nvmlEventTypeXidCriticalError, set_);
    }
  }
  ~EventPacer() {
    if (set_ != nullptr && library_.api().event_set_free) library_.api().event_set_free(set_);
    if (initialized_) library_.api().shutdown();
  }
  void wait_if_due() {
    if (set_ == nullptr) return;
    nvmlEventData_t data{};
    bool due = false;
    while (library_.api().event_set_wait(set_, &data, 0) == NVML_SUCCESS) due = true;
    if (due) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

 private:
  NvmlLibrary library_;
  bool initialized_ = false;
  nvmlEventSet_t set_ = nullptr;
};

Config replay_config(const HostTree& tree, const ReplayOptions& o) {
  Config config;
  config.path.procfs = tree.proc().string();
  config.path.sysfs = tree.sys().string();
  config.path.rootfs = (o.source_dir / "tests/fixtures/rootfs").string();
  config.gpu.nvml_library = o.nvml_sim.string();
  config.gpu.enable_amd = false;  // the base tree's amdgpu card is the AMD tests' fixture
  config.gpu.slow_read_interval = std::chrono::milliseconds(0);  // ECC and remap state every (virtual) second
  config.collect.enabled["kubelet"] = false;                        // the twin's kubelet is not part of a replay
  if (!o.all_collectors) {
    config.collect.disable_defaults = true;
    for (const char* name : {"cpu", "memory", "pressure", "processes", "disk", "network", "netstat", "infiniband", "gpu"}) {
      config.collect.enabled[name] = true;
    }
  }
  return config;
}

}  // namespace

ReplayResult replay_scenario(const fs::path& scenario, const ReplayOptions& o) {
  ReplayResult result;
  result.outcome.name = scenario.stem().string();
  try {
    Causes causes = load_causes(scenario.string());
    result.outcome.labels = causes.labels;
    result.outcome.pods = load_pods(scenario.string());
    toml::table table = parse_scenario_file(scenario.string());
    double duration = table["scenario"]["duration_seconds"].value_or(300.0);

    fs::remove_all(o.work_dir);
    HostTree tree(o.source_dir / "tests/fixtures/proc", o.source_dir / "tests/fixtures/sys", o.work_dir, causes);
    fs::path clock = o.work_dir / "clock";
    write_clock(clock, 0);
    tree.render(0);
    setenv("AINODE_NVML_SIM_SCENARIO", fs::absolute(scenario).c_str(), 1);
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock.c_str(), 1);

    Config config = replay_config(tree, o);
    HostFs host(config.path.procfs, config.path.sysfs, config.path.rootfs);
    auto collectors = make_enabled_collectors(config);
    std::vector<std::string> ids;  // of result.outcome.findings, in order
    aiops::RcaEngine rca({}, [&](EventDraft draft) {
      const auto& p = draft.payload;
      if (p.value("state", "") != "open") return;
      ids.push_back(p.value("id", ""));
      ObservedFinding f;
      f.cause = p.value("cause", "");
      if (p["gpu"].is_number()) f.gpu = p["gpu"].get<unsigned>();
      if (p["pod"].is_string() && !p["gpu"].is_number()) f.pod = p["pod"].get<std::string>();
      f.confidence = p.value("confidence", 0.0);
      if (auto start = parse_rfc3339(p.value("start", ""))) f.start_seconds = scenario_seconds(*start);
      result.outcome.findings.push_back(f);
    });
    std::unique_ptr<EventPacer> pacer;
    auto steady_epoch = std::chrono::steady_clock::now();
    for (double t = 0; t <= duration; t += o.step_seconds) {
      write_clock(clock, t);
      tree.render(t);
      if (pacer) pacer->wait_if_due();
      auto offset = std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(t));
      CollectContext context{host, kEpoch + offset,
                             steady_epoch + std::chrono::duration_cast<std::chrono::steady_clock::duration>(offset),
                             {}, nullptr, {}};
      std::vector<Family> families;
      auto started = std::chrono::steady_clock::now();
      for (auto& collector : collectors) {
        MetricSet set;
        try {
          collector->collect(context, set);
        } catch (const std::exception&) {
          continue;  // a failed collector is absent from the cycle, as in the agent
        }
        for (auto& family : set.families()) families.push_back(std::move(family));
      }
      auto collected = std::chrono::steady_clock::now();
      std::size_t before = result.outcome.findings.size();
      rca.observe(families, kEpoch + offset);
      double rca_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - collected).count();
      for (std::size_t i = before; i < result.outcome.findings.size(); ++i) result.outcome.findings[i].reported_seconds = t;
      result.cost.cycles += 1;
      result.cost.collect_seconds += std::chrono::duration<double>(collected - started).count();
      result.cost.rca_seconds += rca_seconds;
      result.cost.max_rca_seconds = std::max(result.cost.max_rca_seconds, rca_seconds);
      // After the first cycle the GPU collector holds NVML; the pacer shares it.
      if (!pacer && t == 0) pacer = std::make_unique<EventPacer>(o.nvml_sim);
    }
    // What the findings' confidences came from, for calibration (the event carries the confidence only).
    for (const auto& f : rca.findings()) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] != f.id) continue;
        auto& observed = result.outcome.findings[i];
        observed.margin = f.features.margin;
        observed.signals = f.features.signals;
        observed.strength = f.features.strength;
        observed.episode_seconds = f.features.episode_seconds;
      }
    }
    pacer.reset();
    collectors.clear();
  } catch (const std::exception& error) {
    result.error = error.what();
  }
  std::error_code ignored;
  fs::remove_all(o.work_dir, ignored);
  return result;
}

}  // namespace ainode::twin
