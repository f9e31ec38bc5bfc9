#include "nvml_sim/sim_scenario.hpp"

#include <map>
#include <stdexcept>

#include <toml++/toml.h>

#include "twin/scenario_file.hpp"

#include "gpu/nvml/nvml_abi.hpp"

namespace ainode::sim {

namespace {

// Public figures of each model, as their datasheets and nvidia-smi give them.
// The physics figures (last four) are plausible round numbers, not measured:
// full load a few percent over the default limit (a heavy training kernel
// does hit the cap), thermal resistance putting full load near 65-70 °C on
// 25 °C inlet air, time constants of tens of seconds.
const Model kModels[] = {
    {"H100-SXM5-80GB", "NVIDIA H100 80GB HBM3", 0x233010DE, 81559, 131072, 700, 200, 70, 1980, 1980, 2619, 1545, 5, 16,
     18, 132, 87, 92, 85, 95, false, 735, 0.064, 30, 210},
    {"A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB", 0x20B210DE, 81920, 131072, 400, 100, 55, 1410, 1410, 1593, 1290, 4, 16,
     12, 108, 85, 92, 83, 95, false, 420, 0.1, 25, 210},
    {"L40S", "NVIDIA L40S", 0x26B910DE, 46068, 65536, 350, 100, 35, 2520, 2520, 9001, 1965, 4, 16, 0, 142, 88, 93, 87, 95,
     true, 365, 0.12, 40, 210},
};

const std::map<std::string, unsigned long long>& reason_bits() {
  static const std::map<std::string, unsigned long long> bits = {
      {"idle", 0x1},       {"sw_power_cap", 0x4}, {"hw_slowdown", 0x8},     {"sync_boost", 0x10},
      {"sw_thermal", 0x20}, {"hw_thermal", 0x40}, {"hw_power_brake", 0x80}};
  return bits;
}

const std::map<std::string, int>& error_codes() {
  static const std::map<std::string, int> codes = {
      {"NVML_ERROR_UNKNOWN", NVML_ERROR_UNKNOWN},         {"NVML_ERROR_TIMEOUT", NVML_ERROR_TIMEOUT},
      {"NVML_ERROR_NOT_SUPPORTED", NVML_ERROR_NOT_SUPPORTED}, {"NVML_ERROR_NO_PERMISSION", NVML_ERROR_NO_PERMISSION},
      {"NVML_ERROR_GPU_IS_LOST", NVML_ERROR_GPU_IS_LOST}, {"NVML_ERROR_IRQ_ISSUE", NVML_ERROR_IRQ_ISSUE},
      {"NVML_ERROR_CORRUPTED_INFOROM", NVML_ERROR_CORRUPTED_INFOROM}, {"NVML_ERROR_NO_DATA", NVML_ERROR_NO_DATA}};
  return codes;
}

class Reader {
 public:
  Reader(const toml::table& table, std::string where) : table_(table), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    const toml::node* node = table_.get(key);
    auto line = node != nullptr ? node->source().begin.line : table_.source().begin.line;
    throw std::runtime_error(where_ + ":" + std::to_string(line) + ": " + key + ": " + what);
  }
  double number(const std::string& key, double fallback) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<double>()) return *v;
    fail(key, "expected a number");
  }
  unsigned long long whole(const std::string& key, unsigned long long fallback) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<std::int64_t>(); v && *v >= 0) return static_cast<unsigned long long>(*v);
    fail(key, "expected a non-negative integer");
  }
  std::string text(const std::string& key, const std::string& fallback) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<std::string>()) return *v;
    fail(key, "expected a string");
  }
  bool flag(const std::string& key, bool fallback = false) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<bool>()) return *v;
    fail(key, "expected a boolean");
  }
  std::vector<double> numbers(const std::string& key) const {
    std::vector<double> out;
    if (const toml::array* array = table_.get_as<toml::array>(key)) {
      for (const auto& item : *array) {
        auto v = item.value<double>();
        if (!v) fail(key, "expected an array of numbers");
        out.push_back(*v);
      }
    }
    return out;
  }

 private:
  const toml::table& table_;
  std::string where_;
};

template <typename Each>
void for_each_table(const toml::table& root, const std::string& key, const std::string& path, Each each) {
  const toml::array* array = root.get_as<toml::array>(key);
  if (array == nullptr) return;
  for (const auto& node : *array) {
    const toml::table* table = node.as_table();
    if (table == nullptr) throw std::runtime_error(path + ": [[" + key + "]] entries must be tables");
    each(Reader(*table, path));
  }
}

}  // namespace

const Model* find_model(const std::string& key) {
  for (const auto& model : kModels) {
    if (model.key == key) return &model;
  }
  return nullptr;
}

twin::GpuPhysicsModel physics_of(const Model& m, double ambient_c) {
  twin::GpuPhysicsModel p;
  p.idle_w = m.power_idle_w;
  p.full_w = m.full_load_w;
  p.default_limit_w = m.power_limit_w;
  p.min_limit_w = m.power_min_w;
  p.max_graphics_mhz = m.clock_graphics_mhz;
  p.min_graphics_mhz = m.clock_min_mhz;
  p.max_memory_mhz = m.clock_memory_mhz;
  p.ambient_c = ambient_c;
  p.thermal_resistance_c_per_w = m.thermal_resistance_c_per_w;
  p.thermal_time_constant_s = m.thermal_time_constant_s;
  p.gpu_max_c = m.gpu_max_c;
  p.slowdown_c = m.slowdown_c;
  p.shutdown_c = m.shutdown_c;
  p.has_fan = m.has_fan;
  return p;
}

namespace {

// The workload keys of a [[gpus]] entry. Files written before the twin
// (utilization_base/amplitude/period_seconds only) get the sine they had.
twin::Workload workload_of(const Reader& r) {
  twin::Workload w;
  std::string kind = r.text("workload", "sine");
  if (!twin::parse_workload_kind(kind, w.kind)) {
    r.fail("workload", "unknown workload '" + kind + "' (idle, constant, sine, step, training)");
  }
  double level = r.number("utilization", 0.9);
  switch (w.kind) {
    case twin::WorkloadKind::sine:
      w.base = r.number("utilization_base", 0.5);
      w.amplitude = r.number("utilization_amplitude", 0.3);
      w.period_seconds = r.number("period_seconds", 120);
      break;
    case twin::WorkloadKind::constant: w.base = level; break;
    case twin::WorkloadKind::step:
      w.base = r.number("utilization", 0.2);
      w.after = r.number("utilization_after", 0.9);
      w.step_at_seconds = r.number("step_at_seconds", 60);
      break;
    case twin::WorkloadKind::training:
      w.base = level;
      w.period_seconds = r.number("step_seconds", 2);
      w.duty = r.number("duty", 0.8);
      break;
    case twin::WorkloadKind::idle: break;
  }
  if (w.period_seconds <= 0) r.fail("period_seconds", "must be positive");
  w.progress_unit = r.text("progress_unit", w.kind == twin::WorkloadKind::training ? "steps" : "tokens");
  if (w.progress_unit != "steps" && w.progress_unit != "tokens") r.fail("progress_unit", "expected steps or tokens");
  // A training job at full rate finishes one step per step period (each
  // step's compute at full clocks and its communication); inference defaults
  // to a round token rate.
  double step_work = w.period_seconds * w.base * (w.duty + 0.1 * (1 - w.duty));  // full-rate work in one step
  double full_rate_default = w.progress_unit == "steps" ? 1.0 / (step_work + 1e-9) : 2500;
  w.progress_at_full_rate = r.number("progress_at_full_rate", full_rate_default);
  return w;
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  toml::table root = twin::parse_scenario_file(path);
  Scenario scenario;
  if (const toml::table* driver = root.get_as<toml::table>("driver")) {
    Reader r(*driver, path);
    scenario.driver_version = r.text("version", scenario.driver_version);
    if (!scenario.driver_version.starts_with("sim-")) scenario.driver_version = "sim-" + scenario.driver_version;
    scenario.cuda_version = static_cast<int>(r.whole("cuda_version", 12040));
    if (driver->contains("frozen_time_seconds")) scenario.frozen_time_seconds = r.number("frozen_time_seconds", 0);
    if (driver->contains("root")) scenario.caller_is_root = r.flag("root");
    scenario.set_call_log = r.text("set_call_log", "");
    scenario.state_file = r.text("state_file", "");
  }
  for_each_table(root, "gpus", path, [&](const Reader& r) {
    GpuSpec spec;
    std::string model = r.text("model", "H100-SXM5-80GB");
    spec.model = find_model(model);
    if (spec.model == nullptr) r.fail("model", "unknown model '" + model + "' (H100-SXM5-80GB, A100-SXM4-80GB, L40S)");
    spec.workload = workload_of(r);
    spec.ambient_c = r.number("ambient_celsius", 25);
    spec.pcie_width = static_cast<unsigned>(r.whole("pcie_width", 0));
    spec.persistence_mode = r.flag("persistence_mode", true);
    for (unsigned long long i = 0, n = r.whole("count", 1); i < n; ++i) {
      // GPUs of one entry run out of phase, as ranks of one job do.
      spec.workload.phase = 0.7 * static_cast<double>(scenario.gpus.size());
      scenario.gpus.push_back(spec);
    }
  });
  for_each_table(root, "processes", path, [&](const Reader& r) {
    scenario.processes.push_back(ProcessSpec{static_cast<unsigned>(r.whole("gpu", 0)), static_cast<unsigned>(r.whole("pid", 1)),
                                             r.whole("used_memory_mib", 0), static_cast<unsigned>(r.whole("sm_utilization", 0)),
                                             r.text("type", "compute")});
  });
  for_each_table(root, "throttle", path, [&](const Reader& r) {
    std::string reason = r.text("reason", "sw_thermal");
    auto bit = reason_bits().find(reason);
    if (bit == reason_bits().end()) r.fail("reason", "unknown throttle reason '" + reason + "'");
    scenario.throttles.push_back(ThrottleSpec{static_cast<unsigned>(r.whole("gpu", 0)), bit->second,
                                              r.number("from_seconds", 0), r.number("to_seconds", 1e18)});
  });
  for_each_table(root, "xid", path, [&](const Reader& r) {
    scenario.xids.push_back(XidSpec{static_cast<unsigned>(r.whole("gpu", 0)), r.whole("xid", 79), r.number("at_seconds", 0)});
  });
  for_each_table(root, "ecc", path, [&](const Reader& r) {
    scenario.ecc.push_back(EccSpec{static_cast<unsigned>(r.whole("gpu", 0)), r.number("corrected_per_minute", 0),
                                   r.numbers("uncorrected_at_seconds")});
  });
  for_each_table(root, "faults", path, [&](const Reader& r) {
    FaultSpec fault;
    fault.gpu = static_cast<unsigned>(r.whole("gpu", 0));
    fault.call = r.text("call", "");
    std::string error = r.text("error", "");
    if (!error.empty()) {
      auto code = error_codes().find(error);
      if (code == error_codes().end()) r.fail("error", "unknown NVML error '" + error + "'");
      fault.error = code->second;
    }
    fault.hang_seconds = r.number("hang_seconds", 0);
    fault.count = static_cast<unsigned>(r.whole("count", 0));
    fault.from_seconds = r.number("from_seconds", 0);
    fault.to_seconds = r.number("to_seconds", 1e18);
    fault.lost = r.flag("lost");
    fault.removed = r.flag("removed");
    scenario.faults.push_back(fault);
  });
  for_each_table(root, "mig_devices", path, [&](const Reader& r) {
    MigDeviceSpec m;
    m.gpu = static_cast<unsigned>(r.whole("gpu", 0));
    m.gpu_instance = static_cast<unsigned>(r.whole("gpu_instance", 1));
    m.compute_instance = static_cast<unsigned>(r.whole("compute_instance", 0));
    m.gpu_instance_profile_id = static_cast<unsigned>(r.whole("gpu_instance_profile_id", 19));
    m.compute_instance_profile_id = static_cast<unsigned>(r.whole("compute_instance_profile_id", 0));
    m.slices = static_cast<unsigned>(r.whole("slices", 1));
    m.compute_slices = static_cast<unsigned>(r.whole("compute_slices", m.slices));
    m.sm_count = static_cast<unsigned>(r.whole("sm_count", 16));
    m.memory_mib = r.whole("memory_mib", 9856);
    m.used_memory_mib = r.whole("used_memory_mib", 0);
    m.placement_start = static_cast<unsigned>(r.whole("placement_start", 0));
    m.placement_size = static_cast<unsigned>(r.whole("placement_size", m.slices));
    scenario.mig_devices.push_back(m);
  });
  auto check_gpu = [&](unsigned gpu, const char* what) {
    if (gpu >= scenario.gpus.size()) {
      throw std::runtime_error(path + ": " + what + " names gpu " + std::to_string(gpu) + " but the scenario has " +
                               std::to_string(scenario.gpus.size()));
    }
  };
  for (const auto& p : scenario.processes) check_gpu(p.gpu, "[[processes]]");
  for (const auto& t : scenario.throttles) check_gpu(t.gpu, "[[throttle]]");
  for (const auto& x : scenario.xids) check_gpu(x.gpu, "[[xid]]");
  for (const auto& e : scenario.ecc) check_gpu(e.gpu, "[[ecc]]");
  for (const auto& f : scenario.faults) check_gpu(f.gpu, "[[faults]]");
  for (const auto& m : scenario.mig_devices) check_gpu(m.gpu, "[[mig_devices]]");
  scenario.causes = twin::load_causes(path);
  for (const auto& f : scenario.causes.faults) {
    if (twin::is_gpu_cause(f.kind)) check_gpu(*f.subject.gpu, "[[fault]]");
  }
  return scenario;
}

}  // namespace ainode::sim
