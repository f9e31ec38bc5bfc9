#pragma once
// Reads every NVIDIA GPU through NVML into GpuReadings. Devices are
// enumerated each cycle and tracked by UUID, so a GPU that vanishes or
// comes back is handled without a restart. What each device supports is
// learnt once (NVML_ERROR_NOT_SUPPORTED stops further calls for that field);
// every other error is counted per device, call and error code.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/host_fs.hpp"
#include "gpu/gpu_event_log.hpp"
#include "gpu/gpu_reading.hpp"
#include "gpu/nvml/nvml_field_batch.hpp"
#include "gpu/nvml/nvml_library.hpp"

namespace ainode {

struct NvmlSamplerOptions {
  bool enable_mig = true;
  std::size_t max_processes = 20;  // per GPU, largest memory first
  // A call slower than this is counted: after a collection timed out
  // (a hung driver call), this says which GPU and call it was.
  std::chrono::milliseconds slow_call{1000};
  // PCIe throughput and the energy counter block inside the driver (NVML
  // samples PCIe over 20 ms per direction; the energy query took 12 ms on
  // an H100 with driver 580): they are read at most this often, and the last
  // values are exported in between. Zero reads them every cycle.
  std::chrono::milliseconds slow_read_interval{30000};
};

struct NvmlErrorKey {
  std::string uuid;  // "" for calls not tied to a device
  unsigned index = 0;
  std::string call;
  std::string error;
  auto operator<=>(const NvmlErrorKey&) const = default;
};

struct NvmlCallKey {
  std::string uuid;
  unsigned index = 0;
  std::string call;
  auto operator<=>(const NvmlCallKey&) const = default;
};

// Time spent in one NVML entry point, summed over every GPU: some calls
// block inside the driver (sampling windows, firmware queries), and this
// is how an operator finds out which, on their own driver and GPUs.
struct NvmlCallCost {
  std::uint64_t calls = 0;
  double total_seconds = 0;
  double max_seconds = 0;
};

struct NvmlSlowCall {
  NvmlCallKey key;
  double seconds = 0;
  std::chrono::system_clock::time_point returned_at;
};

class NvmlSampler {
 public:
  NvmlSampler(const NvmlApi& api, NvmlSamplerOptions options, GpuEventLog& events);

  // Which GPUs to read, by index and UUID (NVIDIA_VISIBLE_DEVICES); empty = all.
  using DeviceWanted = std::function<bool(unsigned index, const std::string& uuid)>;
  std::vector<GpuReading> sample(const HostFs& fs, const DeviceWanted& wanted = {});
  // UUIDs of the GPUs the last sample() left out, so their events are left out too.
  const std::set<std::string>& hidden() const { return hidden_; }
  const std::map<NvmlErrorKey, std::uint64_t>& errors() const { return errors_; }
  const std::map<NvmlCallKey, std::uint64_t>& slow_calls() const { return slow_calls_; }
  const std::optional<NvmlSlowCall>& last_slow_call() const { return last_slow_call_; }
  const std::map<std::string, NvmlCallCost, std::less<>>& call_costs() const { return call_costs_; }
  // Every NVML call sample() made, summed over call_costs(), and how many
  // GPUs it read in all (a GPU read in two cycles counts twice): their
  // quotient is the number of NVML calls per GPU per cycle.
  std::uint64_t calls_made() const;
  std::uint64_t devices_read() const { return devices_read_; }

 private:
  // What the board is (nvml_sampler_board.cpp): read on slow cycles only.
  struct BoardProperties {
    std::string name, pci_bus_id, serial, vbios;
    std::optional<int> numa_node;
    std::map<std::string, double> temperature_thresholds_celsius;
    std::map<std::string, double> power_limits_watts;  // default, min, max
    std::optional<unsigned> pcie_generation_max, pcie_width_max;
  };
  struct DeviceState {
    std::set<std::string> unsupported;  // calls that answered NOT_SUPPORTED
    bool lost = false;
    unsigned long long last_process_sample = 0;  // NVML timestamp for process utilization
    // Maximum clocks are a property of the part: read once (1.5 ms each on an H100).
    std::optional<std::map<std::string, double>> max_clocks_hertz;
    std::chrono::steady_clock::time_point next_slow_read{};
    bool slow_read_this_cycle = false;
    std::optional<double> pcie_transmit_bytes_per_second, pcie_receive_bytes_per_second, energy_joules;
    // Rarely changing, read with the slow fields too.
    std::optional<bool> persistence_mode;
    std::map<std::string, double> row_remap_banks;
    std::set<FieldKey> unsupported_fields;  // field values answered NOT_SUPPORTED
    std::optional<BoardProperties> board;   // unset until every property answered
  };
  // True when this cycle reads the slow fields of `state` (and schedules the next read).
  bool slow_read_due(DeviceState& state);
  // Runs one NVML call for `reading`; true on success. Handles
  // NOT_SUPPORTED (remembered), GPU_IS_LOST (device down) and counts others.
  bool call(GpuReading& reading, DeviceState& state, const char* name, const std::function<nvmlReturn_t()>& function);
  // What call() does with the answer of a call made (and timed) elsewhere.
  bool handle(GpuReading& reading, DeviceState& state, const char* name, nvmlReturn_t code);
  void record_cost(std::string_view call, double seconds);
  // Runs one NVML call and records its cost under `name`; the error is the caller's to handle.
  nvmlReturn_t timed(std::string_view name, const std::function<nvmlReturn_t()>& function);

  // The field batch of one GPU for this cycle (nvml_sampler_fields.cpp):
  // what to ask, the one call, and each reading from its field or, when the
  // batch cannot tell, from `classic`.
  void request_fields(NvmlFieldBatch& batch, const GpuReading& reading, const DeviceState& state) const;
  void fetch_fields(nvmlDevice_t device, GpuReading& reading, DeviceState& state, NvmlFieldBatch& batch);
  static std::optional<double> batched(const NvmlFieldBatch& batch, unsigned field_id, unsigned scope_id,
                                       const std::function<std::optional<double>()>& classic);

  void read_board(nvmlDevice_t device, GpuReading& reading, DeviceState& state, const HostFs& fs);
  static void copy_board(const BoardProperties& board, GpuReading& reading);
  void read_identity(nvmlDevice_t device, GpuReading& reading, DeviceState& state, const HostFs& fs);
  void read_board_limits(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_utilization_and_memory(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_thermal_and_power(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_clocks(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_links(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_reliability(nvmlDevice_t device, GpuReading& reading, DeviceState& state, const NvmlFieldBatch& batch);
  void read_link_counters(nvmlDevice_t device, GpuReading& reading, DeviceState& state, const NvmlFieldBatch& batch);
  void read_memory_temperature_and_energy(nvmlDevice_t device, GpuReading& reading, DeviceState& state,
                                          const NvmlFieldBatch& batch);
  void read_slow_state(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void read_processes(nvmlDevice_t device, GpuReading& reading, DeviceState& state, const HostFs& fs);
  void read_mig(nvmlDevice_t device, GpuReading& reading, DeviceState& state);
  void count_error(const std::string& uuid, unsigned index, const char* call, nvmlReturn_t code);

  const NvmlApi& api_;
  NvmlSamplerOptions options_;
  GpuEventLog& events_;
  std::map<std::string, DeviceState> devices_;  // by UUID
  // A lost GPU may no longer tell its UUID: remember the last one per index.
  std::map<unsigned, std::string> uuid_by_index_;
  std::map<NvmlErrorKey, std::uint64_t> errors_;
  std::uint64_t errors_counted_ = 0;  // the sum of errors_, to tell whether a group of calls all answered
  std::set<std::string> hidden_;
  std::map<NvmlCallKey, std::uint64_t> slow_calls_;
  std::optional<NvmlSlowCall> last_slow_call_;
  std::map<std::string, NvmlCallCost, std::less<>> call_costs_;
  std::uint64_t devices_read_ = 0;
};

}  // namespace ainode
