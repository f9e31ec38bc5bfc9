// The labelled scenarios (tests/scenarios/, scenarios/): every file parses,
// loads in the simulated NVML, carries ground-truth labels naming known
// causes, and every labelled GPU fault shows a symptom through NVML by the
// middle of its window, so a root-cause engine scored on them is scored on
// faults that can be seen.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "gpu/nvml/nvml_library.hpp"
#include "twin/causes.hpp"
#include "twin/scenario_file.hpp"

using namespace ainode;
using namespace ainode::twin;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_in(const char* folder) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(AINODE_SOURCE_DIR) / folder)) {
    if (entry.path().extension() == ".toml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Reading {
  nvmlReturn_t up = NVML_SUCCESS;
  unsigned temperature = 0, enforced_limit = 0, width = 0;
  unsigned long long reasons = 0, replays = 0, corrected = 0, uncorrected = 0;
};

class SuiteOnSimulator : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("AINODE_NVML_SIM_CLOCK_FILE");
    fs::remove(clock_);
  }
  Reading read(unsigned index, double t) {
    std::ofstream(clock_) << t;
    Reading r;
    const NvmlApi& a = library_.api();
    nvmlDevice_t gpu = nullptr;
    EXPECT_EQ(a.device_by_index(index, &gpu), NVML_SUCCESS);
    r.up = a.temperature(gpu, NVML_TEMPERATURE_GPU, &r.temperature);
    if (r.up != NVML_SUCCESS) return r;
    a.enforced_power_limit(gpu, &r.enforced_limit);
    a.pcie_width(gpu, &r.width);
    a.clock_event_reasons(gpu, &r.reasons);
    a.nvlink_error_counter(gpu, 0, NVML_NVLINK_ERROR_DL_REPLAY, &r.replays);
    a.total_ecc_errors(gpu, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC, &r.corrected);
    a.total_ecc_errors(gpu, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC, &r.uncorrected);
    return r;
  }

  fs::path clock_ = fs::temp_directory_path() / ("ainode-twin-suite-clock-" + std::to_string(getpid()));
  NvmlLibrary library_{AINODE_NVML_SIM_PATH};
};

// A GPU fault's symptom: what it changed between just before it and mid-window.
bool shows(Cause kind, const Reading& before, const Reading& during) {
  switch (kind) {
    case Cause::thermal:  // hotter, throttled, or past shutdown and lost
      return during.up == NVML_ERROR_GPU_IS_LOST || during.temperature >= before.temperature + 5 || (during.reasons & nvmlClocksEventReasonSwThermalSlowdown);
    case Cause::power_cap: return during.enforced_limit < before.enforced_limit;
    case Cause::hw_slowdown: return (during.reasons & nvmlClocksThrottleReasonHwSlowdown) != 0;
    case Cause::pcie_link_degraded: return during.width < before.width;
    case Cause::nvlink_errors: return during.replays > before.replays + 10;
    case Cause::ecc_errors: return during.corrected > before.corrected || during.uncorrected > before.uncorrected;
    case Cause::gpu_lost: return during.up == NVML_ERROR_GPU_IS_LOST;
    case Cause::xid: return true;  // an event, checked by nvml_faults_test; nothing to read here
    default: return false;
  }
}

}  // namespace

TEST(ScenarioSuite, HasEnoughLabelledScenariosOfEveryCause) {
  auto files = files_in("tests/scenarios");
  EXPECT_GE(files.size(), 30u);
  std::map<Cause, int> per_cause;
  int two_causes = 0;
  for (const auto& file : files) {
    Causes c = load_causes(file.string());
    ASSERT_FALSE(c.labels.empty()) << file << " carries no [[label]]";
    std::set<Cause> causes;
    for (const auto& l : c.labels) causes.insert(l.cause);
    for (Cause cause : causes) ++per_cause[cause];
    if (causes.size() == 2) ++two_causes;
    // Labels from the physics (the harder part) answer for the faults the
    // physics applied; `ctest -R rca_physics_labels` checks those.
    if (parse_scenario_file(file.string())["scenario"]["labels"].value_or<std::string>("") == "physics") continue;
    // Every fault is labelled with its cause, subject and window, and a
    // healthy scenario has no fault at all.
    for (const auto& f : c.faults) {
      bool labelled = std::any_of(c.labels.begin(), c.labels.end(), [&](const Label& l) {
        return l.cause == f.kind && l.subject.gpu == f.subject.gpu && l.subject.device == f.subject.device &&
               l.subject.pod == f.subject.pod && l.from_seconds == f.from_seconds && l.to_seconds == f.to_seconds;
      });
      EXPECT_TRUE(labelled) << file << ": a " << cause_name(f.kind) << " fault without its label";
    }
    if (causes.count(Cause::none)) {
      EXPECT_TRUE(c.faults.empty()) << file;
    }
  }
  for (Cause cause : all_causes()) EXPECT_GE(per_cause[cause], 3) << cause_name(cause);
  EXPECT_GE(two_causes, 2);
}

TEST_F(SuiteOnSimulator, EveryScenarioLoadsAndEveryGpuFaultShows) {
  ASSERT_TRUE(library_.loaded()) << library_.error();
  std::vector<fs::path> files = files_in("tests/scenarios");
  for (const auto& demo : files_in("scenarios")) files.push_back(demo);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    setenv("AINODE_NVML_SIM_SCENARIO", file.c_str(), 1);
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock_.c_str(), 1);
    std::ofstream(clock_) << 0;
    ASSERT_EQ(library_.api().init(), NVML_SUCCESS) << "the simulator refused the scenario (its stderr says why)";
    Causes c = load_causes(file.string());
    for (const auto& f : c.faults) {
      if (!is_gpu_cause(f.kind)) continue;
      Reading before = read(*f.subject.gpu, f.from_seconds - 1);
      Reading during = read(*f.subject.gpu, (f.from_seconds + f.to_seconds) / 2);
      EXPECT_TRUE(shows(f.kind, before, during)) << cause_name(f.kind) << " on GPU " << *f.subject.gpu
                                                 << " severity " << f.severity << " shows nothing";
    }
    // Healthy means healthy: no GPU holds its clocks down for any reason but idleness.
    bool healthy = std::any_of(c.labels.begin(), c.labels.end(), [](const Label& l) { return l.cause == Cause::none; });
    unsigned count = 0;
    ASSERT_EQ(library_.api().device_count(&count), NVML_SUCCESS);
    for (unsigned gpu = 0; healthy && gpu < count; ++gpu) {
      for (double t : {30.0, 150.0, 290.0}) {
        Reading r = read(gpu, t);
        EXPECT_EQ(r.up, NVML_SUCCESS);
        EXPECT_EQ(r.reasons & ~nvmlClocksEventReasonGpuIdle, 0u) << "GPU " << gpu << " at t = " << t;
      }
    }
    library_.api().shutdown();
  }
}
