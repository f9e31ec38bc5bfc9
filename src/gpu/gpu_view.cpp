#include "gpu/gpu_view.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <unordered_map>

namespace ainode {

namespace {

std::string_view label(const Family& family, const Sample& sample, std::string_view name) {
  const auto& names = family.desc->labels;
  for (std::size_t i = 0; i < names.size() && i < sample.label_values.size(); ++i) {
    if (names[i] == name) return sample.label_values[i];
  }
  return {};
}

std::optional<unsigned> parse_unsigned(std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> as_flag(double value) { return value != 0; }

// The view's entry for one NVLink, added on its first series.
NvLinkReading& link_of(GpuView& g, unsigned link) {
  auto it = std::find_if(g.reading.nvlinks.begin(), g.reading.nvlinks.end(),
                         [&](const NvLinkReading& l) { return l.link == link; });
  if (it == g.reading.nvlinks.end()) it = g.reading.nvlinks.insert(g.reading.nvlinks.end(), NvLinkReading{link, false, {}});
  return *it;
}

// The view's entry for one MIG device, added on its first series; the MIG
// series name the device's own owner (PodResources), not the GPU's.
MigDeviceReading& mig_of(GpuView& g, const Family& f, const Sample& s) {
  std::string_view uuid = label(f, s, "mig_uuid");
  auto it = std::find_if(g.reading.mig_devices.begin(), g.reading.mig_devices.end(),
                         [&](const MigDeviceReading& m) { return m.uuid == uuid; });
  if (it != g.reading.mig_devices.end()) return *it;
  MigDeviceReading m;
  m.uuid = uuid;
  m.gpu_instance = parse_unsigned(label(f, s, "gpu_instance")).value_or(0);
  m.compute_instance = parse_unsigned(label(f, s, "compute_instance")).value_or(0);
  m.owner.namespace_name = label(f, s, "namespace");
  m.owner.pod = label(f, s, "pod");
  m.owner.container = label(f, s, "container");
  return *g.reading.mig_devices.insert(g.reading.mig_devices.end(), std::move(m));
}

bool is_mig_device_family(std::string_view name) { return name.starts_with("ainode_gpu_mig_device_"); }

using Setter = std::function<void(GpuView&, const Family&, const Sample&)>;

// Per family name, how a sample lands in the view. Families not listed
// (compat series, MIG memory) are not needed by its readers.
const std::unordered_map<std::string_view, Setter>& setters() {
  static const std::unordered_map<std::string_view, Setter> table = {
      {"ainode_gpu_info",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.name = label(f, s, "name");
         g.reading.pci_bus_id = label(f, s, "pci_bus_id");
         g.reading.serial = label(f, s, "serial");
         g.reading.vbios = label(f, s, "vbios");
         g.reading.driver_version = label(f, s, "driver_version");
       }},
      {"ainode_gpu_up", [](GpuView& g, const Family&, const Sample& s) { g.reading.up = s.value != 0; }},
      {"ainode_gpu_utilization_ratio",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.utilization_ratio = s.value; }},
      {"ainode_gpu_memory_utilization_ratio",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.memory_utilization_ratio = s.value; }},
      {"ainode_gpu_memory_total_bytes",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.memory_total_bytes = s.value; }},
      {"ainode_gpu_memory_used_bytes",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.memory_used_bytes = s.value; }},
      {"ainode_gpu_temperature_celsius",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.temperature_celsius = s.value; }},
      {"ainode_gpu_memory_temperature_celsius",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.memory_temperature_celsius = s.value; }},
      {"ainode_gpu_junction_temperature_celsius",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.junction_temperature_celsius = s.value; }},
      {"ainode_gpu_temperature_threshold_celsius",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.temperature_thresholds_celsius[std::string(label(f, s, "threshold"))] = s.value;
       }},
      {"ainode_gpu_fan_speed_ratio", [](GpuView& g, const Family&, const Sample& s) { g.reading.fan_speed_ratio = s.value; }},
      {"ainode_gpu_power_watts", [](GpuView& g, const Family&, const Sample& s) { g.reading.power_watts = s.value; }},
      {"ainode_gpu_power_limit_watts",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.power_limits_watts[std::string(label(f, s, "limit"))] = s.value;
       }},
      {"ainode_gpu_energy_joules_total",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.energy_joules = s.value; }},
      {"ainode_gpu_clock_hertz",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.clocks_hertz[std::string(label(f, s, "clock"))] = s.value;
       }},
      {"ainode_gpu_clock_max_hertz",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.max_clocks_hertz[std::string(label(f, s, "clock"))] = s.value;
       }},
      {"ainode_gpu_pstate",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.pstate = static_cast<int>(s.value); }},
      {"ainode_gpu_throttle_reason",
       [](GpuView& g, const Family& f, const Sample& s) {
         std::string_view reason = label(f, s, "reason");
         std::uint64_t mask = g.reading.clock_event_reasons.value_or(0);
         for (const auto& known : kThrottleReasons) {
           if (reason == known.name && s.value != 0) mask |= known.bit;
         }
         g.reading.clock_event_reasons = mask;
       }},
      {"ainode_gpu_ecc_mode", [](GpuView& g, const Family&, const Sample& s) { g.reading.ecc_enabled = as_flag(s.value); }},
      {"ainode_gpu_ecc_errors_total",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.ecc_errors[{std::string(label(f, s, "type")), std::string(label(f, s, "scope"))}] = s.value;
       }},
      {"ainode_gpu_retired_pages",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.retired_pages[std::string(label(f, s, "cause"))] = s.value;
       }},
      {"ainode_gpu_retired_pages_pending",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.retired_pages_pending = as_flag(s.value); }},
      {"ainode_gpu_remapped_rows",
       [](GpuView& g, const Family& f, const Sample& s) {
         if (label(f, s, "type") == "correctable") g.reading.remapped_rows_correctable = s.value;
         if (label(f, s, "type") == "uncorrectable") g.reading.remapped_rows_uncorrectable = s.value;
       }},
      {"ainode_gpu_remapped_rows_pending",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.remapped_rows_pending = as_flag(s.value); }},
      {"ainode_gpu_remapped_rows_failure",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.remapped_rows_failure = as_flag(s.value); }},
      {"ainode_gpu_row_remap_bank_availability",
       [](GpuView& g, const Family& f, const Sample& s) {
         g.reading.row_remap_bank_availability[std::string(label(f, s, "availability"))] = s.value;
       }},
      {"ainode_gpu_persistence_mode",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.persistence_mode = as_flag(s.value); }},
      {"ainode_gpu_pcie_link_generation",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.pcie_generation = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_pcie_link_generation_max",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.pcie_generation_max = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_pcie_link_width",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.pcie_width = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_pcie_link_width_max",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.pcie_width_max = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_pcie_replays_total", [](GpuView& g, const Family&, const Sample& s) { g.reading.pcie_replays = s.value; }},
      {"ainode_gpu_nvlink_up",
       [](GpuView& g, const Family& f, const Sample& s) {
         auto link = parse_unsigned(label(f, s, "link"));
         if (!link) return;
         link_of(g, *link).up = s.value != 0;
       }},
      {"ainode_gpu_nvlink_errors_total",
       [](GpuView& g, const Family& f, const Sample& s) {
         auto link = parse_unsigned(label(f, s, "link"));
         if (!link) return;
         link_of(g, *link).errors[std::string(label(f, s, "counter"))] = s.value;
       }},
      {"ainode_gpu_mig_mode", [](GpuView& g, const Family&, const Sample& s) { g.reading.mig_enabled = as_flag(s.value); }},
      // MIG devices and the GPU's slices: the tokens-per-joule join apportions MIG GPUs by them.
      {"ainode_gpu_mig_max_devices",
       [](GpuView& g, const Family&, const Sample& s) { g.reading.mig_max_devices = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_mig_device_slices",
       [](GpuView& g, const Family& f, const Sample& s) {
         mig_of(g, f, s).gpu_instance_slices = static_cast<unsigned>(s.value);
       }},
      {"ainode_gpu_mig_device_multiprocessors",
       [](GpuView& g, const Family& f, const Sample& s) { mig_of(g, f, s).sm_count = static_cast<unsigned>(s.value); }},
      {"ainode_gpu_process_memory_bytes",
       [](GpuView& g, const Family& f, const Sample& s) {
         GpuProcessReading process;
         process.pid = parse_unsigned(label(f, s, "pid")).value_or(0);
         process.name = label(f, s, "process");
         process.namespace_name = label(f, s, "namespace");
         process.pod = label(f, s, "pod");
         process.container = label(f, s, "container");
         process.memory_bytes = s.value;
         g.reading.processes.push_back(std::move(process));
       }},
      // Time-sliced GPUs: the tokens-per-joule join apportions energy by it.
      {"ainode_gpu_process_sm_utilization_ratio",
       [](GpuView& g, const Family& f, const Sample& s) {
         unsigned pid = parse_unsigned(label(f, s, "pid")).value_or(0);
         auto it = std::find_if(g.reading.processes.begin(), g.reading.processes.end(),
                                [&](const GpuProcessReading& p) { return p.pid == pid; });
         if (it == g.reading.processes.end()) {
           GpuProcessReading process;
           process.pid = pid;
           process.name = label(f, s, "process");
           process.namespace_name = label(f, s, "namespace");
           process.pod = label(f, s, "pod");
           process.container = label(f, s, "container");
           it = g.reading.processes.insert(g.reading.processes.end(), std::move(process));
         }
         it->sm_utilization_ratio = s.value;
       }},
      {"ainode_gpu_xid_errors_total",
       [](GpuView& g, const Family& f, const Sample& s) {
         if (auto code = parse_unsigned(label(f, s, "xid"))) g.xid_errors[*code] = s.value;
       }},
      {"ainode_gpu_last_xid", [](GpuView& g, const Family&, const Sample& s) { g.last_xid = s.value; }},
      {"ainode_gpu_last_xid_timestamp_seconds",
       [](GpuView& g, const Family&, const Sample& s) { g.last_xid_unix_seconds = s.value; }},
  };
  return table;
}

}  // namespace

bool GpuView::throttled_by(std::string_view reason) const {
  if (!reading.clock_event_reasons) return false;
  for (const auto& known : kThrottleReasons) {
    if (reason == known.name) return (*reading.clock_event_reasons & known.bit) != 0;
  }
  return false;
}

std::vector<GpuView> gpu_views(std::span<const Family> families) {
  std::map<std::pair<unsigned, std::string>, GpuView> by_gpu;
  const auto& table = setters();
  for (const auto& family : families) {
    if (!family.desc) continue;
    auto setter = table.find(family.desc->name);
    if (setter == table.end()) continue;
    for (const auto& sample : family.samples) {
      auto index = parse_unsigned(label(family, sample, "gpu"));
      if (!index) continue;
      std::string uuid(label(family, sample, "uuid"));
      auto [it, inserted] = by_gpu.try_emplace({*index, uuid});
      GpuView& view = it->second;
      if (inserted) {
        view.reading.index = *index;
        view.reading.uuid = uuid;
      }
      if (auto vendor = label(family, sample, "vendor"); !vendor.empty()) view.reading.vendor = vendor;
      // A process series names the pod of that process, not the GPU's owner.
      // So does a MIG device's series name the pod of that device.
      bool gpu_owner_labels = family.desc->name != "ainode_gpu_process_memory_bytes" &&
                              family.desc->name != "ainode_gpu_process_sm_utilization_ratio" &&
                              !is_mig_device_family(family.desc->name);
      if (gpu_owner_labels && view.reading.owner.pod.empty()) {
        view.reading.owner.namespace_name = label(family, sample, "namespace");
        view.reading.owner.pod = label(family, sample, "pod");
        view.reading.owner.container = label(family, sample, "container");
      }
      setter->second(view, family, sample);
    }
  }
  std::vector<GpuView> out;
  out.reserve(by_gpu.size());
  for (auto& [key, view] : by_gpu) out.push_back(std::move(view));
  return out;
}

const std::vector<GpuView>& gpu_views(const Snapshot& snapshot) {
  SnapshotMemo& memo = *snapshot.gpu_views_memo;
  std::call_once(memo.once, [&] { memo.value = std::make_shared<const std::vector<GpuView>>(gpu_views(snapshot.families)); });
  return *static_cast<const std::vector<GpuView>*>(memo.value.get());
}

const GpuView* find_gpu(std::span<const GpuView> gpus, unsigned index) {
  for (const auto& gpu : gpus) {
    if (gpu.reading.index == index) return &gpu;
  }
  return nullptr;
}

}  // namespace ainode
