// The parts of NvmlSampler that read through the field batch: what the batch
// asks for, the one nvmlDeviceGetFieldValues call, and the readings that come
// from it (memory errors and remapping, link counters, memory temperature,
// energy), each with the classic entry point as its fallback. Also the slow,
// rarely changing state (persistence mode, the row remapper's histogram).
#include "gpu/nvml/nvml_sampler.hpp"

namespace ainode {

namespace {

constexpr double kKibibyte = 1024.0;

struct NvLinkCounter {
  const char* name;
  nvmlNvLinkErrorCounter_t counter;
  unsigned field_id;
};
constexpr NvLinkCounter kNvLinkCounters[] = {
    {"replay", NVML_NVLINK_ERROR_DL_REPLAY, NVML_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL},
    {"recovery", NVML_NVLINK_ERROR_DL_RECOVERY, NVML_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL},
    {"crc_flit", NVML_NVLINK_ERROR_DL_CRC_FLIT, NVML_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL},
    {"crc_data", NVML_NVLINK_ERROR_DL_CRC_DATA, NVML_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL},
};

struct EccTotal {
  const char* type;
  const char* scope;
  nvmlMemoryErrorType_t error_type;
  nvmlEccCounterType_t counter;
  unsigned field_id;
};
constexpr EccTotal kEccTotals[] = {
    {"corrected", "volatile", NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC, NVML_FI_DEV_ECC_SBE_VOL_TOTAL},
    {"corrected", "aggregate", NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC, NVML_FI_DEV_ECC_SBE_AGG_TOTAL},
    {"uncorrected", "volatile", NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC, NVML_FI_DEV_ECC_DBE_VOL_TOTAL},
    {"uncorrected", "aggregate", NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC, NVML_FI_DEV_ECC_DBE_AGG_TOTAL},
};

struct RetiredCause {
  const char* name;
  nvmlPageRetirementCause_t cause;
  unsigned field_id;
};
constexpr RetiredCause kRetiredCauses[] = {
    {"multiple_single_bit", NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS, NVML_FI_DEV_RETIRED_SBE},
    {"double_bit", NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR, NVML_FI_DEV_RETIRED_DBE},
};

constexpr unsigned kRemapFields[] = {NVML_FI_DEV_REMAPPED_COR, NVML_FI_DEV_REMAPPED_UNC, NVML_FI_DEV_REMAPPED_PENDING,
                                     NVML_FI_DEV_REMAPPED_FAILURE};

}  // namespace

void NvmlSampler::request_fields(NvmlFieldBatch& batch, const GpuReading& r, const DeviceState& s) const {
  const std::string prefix = "nvmlDeviceGetFieldValues/";
  batch.request(NVML_FI_DEV_MEMORY_TEMP, 0, prefix + "memory_temperature");
  batch.request(NVML_FI_DEV_ECC_CURRENT, 0, prefix + "ecc_mode");
  batch.request(NVML_FI_DEV_ECC_PENDING, 0, prefix + "ecc_mode");
  for (const auto& total : kEccTotals) batch.request(total.field_id, 0, prefix + "ecc_errors");
  for (const auto& cause : kRetiredCauses) batch.request(cause.field_id, 0, prefix + "retired_pages");
  batch.request(NVML_FI_DEV_RETIRED_PENDING, 0, prefix + "retired_pages_pending");
  for (unsigned field : kRemapFields) batch.request(field, 0, prefix + "remapped_rows");
  batch.request(NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0, prefix + "pcie_replays");
  // The energy query blocks in the driver (docs/gpu.md): only on slow cycles.
  if (s.slow_read_this_cycle) batch.request(NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION, 0, prefix + "energy");
  for (const auto& link : r.nvlinks) {
    if (!link.up) continue;
    for (const auto& counter : kNvLinkCounters) batch.request(counter.field_id, link.link, prefix + "nvlink_errors");
  }
  if (!r.nvlinks.empty()) {
    // The sum over all links: per-link scopes are not reliable across drivers.
    batch.request(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, kNvmlScopeAllLinks, prefix + "nvlink_throughput");
    batch.request(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, kNvmlScopeAllLinks, prefix + "nvlink_throughput");
  }
}

void NvmlSampler::fetch_fields(nvmlDevice_t device, GpuReading& r, DeviceState& s, NvmlFieldBatch& batch) {
  auto& fields = batch.fields();
  nvmlReturn_t code = NVML_ERROR_FUNCTION_NOT_FOUND;  // no call: every reading falls back
  if (api_.field_values && !fields.empty() &&
      call(r, s, "nvmlDeviceGetFieldValues",
           [&] { return api_.field_values(device, static_cast<int>(fields.size()), fields.data()); })) {
    code = NVML_SUCCESS;
  }
  batch.answered(code);
  for (const auto& [capability, error] : batch.errors()) count_error(r.uuid, r.index, capability.c_str(), error);
}

std::optional<double> NvmlSampler::batched(const NvmlFieldBatch& batch, unsigned field_id, unsigned scope_id,
                                           const std::function<std::optional<double>()>& classic) {
  FieldAnswer answer = batch.answer(field_id, scope_id);
  if (answer.value) return answer.value;
  if (answer.fall_back && classic) return classic();
  return std::nullopt;  // this field failed: counted by fetch_fields
}

void NvmlSampler::read_memory_temperature_and_energy(nvmlDevice_t device, GpuReading& r, DeviceState& s,
                                                     const NvmlFieldBatch& batch) {
  r.memory_temperature_celsius = batch.answer(NVML_FI_DEV_MEMORY_TEMP).value;  // no classic entry point
  if (s.slow_read_this_cycle) {
    auto millijoules = batched(batch, NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION, 0, [&]() -> std::optional<double> {
      unsigned long long value = 0;
      if (api_.total_energy &&
          call(r, s, "nvmlDeviceGetTotalEnergyConsumption", [&] { return api_.total_energy(device, &value); })) {
        return static_cast<double>(value);
      }
      return std::nullopt;
    });
    s.energy_joules = millijoules ? std::optional<double>(*millijoules / 1000.0) : std::nullopt;
  }
  r.energy_joules = s.energy_joules;
}

void NvmlSampler::read_reliability(nvmlDevice_t device, GpuReading& r, DeviceState& s, const NvmlFieldBatch& batch) {
  FieldAnswer current = batch.answer(NVML_FI_DEV_ECC_CURRENT), pending = batch.answer(NVML_FI_DEV_ECC_PENDING);
  if (current.value && pending.value) {
    r.ecc_enabled = *current.value == 1.0;  // NVML_FEATURE_ENABLED
    r.ecc_enabled_pending = *pending.value == 1.0;
  } else if (current.fall_back || pending.fall_back) {
    nvmlEnableState_t now{}, next{};
    if (api_.ecc_mode && call(r, s, "nvmlDeviceGetEccMode", [&] { return api_.ecc_mode(device, &now, &next); })) {
      r.ecc_enabled = now == NVML_FEATURE_ENABLED;
      r.ecc_enabled_pending = next == NVML_FEATURE_ENABLED;
    }
  }
  if (r.ecc_enabled.value_or(false)) {
    for (const auto& total : kEccTotals) {
      auto count = batched(batch, total.field_id, 0, [&]() -> std::optional<double> {
        unsigned long long value = 0;
        if (api_.total_ecc_errors && call(r, s, "nvmlDeviceGetTotalEccErrors", [&] {
              return api_.total_ecc_errors(device, total.error_type, total.counter, &value);
            })) {
          return static_cast<double>(value);
        }
        return std::nullopt;
      });
      if (count) r.ecc_errors[{total.type, total.scope}] = *count;
    }
  }
  for (const auto& cause : kRetiredCauses) {
    auto pages = batched(batch, cause.field_id, 0, [&]() -> std::optional<double> {
      // A size query (0 pages, no buffer): the driver answers
      // INSUFFICIENT_SIZE with the count when there is at least one page.
      unsigned value = 0;
      if (api_.retired_pages && call(r, s, "nvmlDeviceGetRetiredPages", [&] {
            nvmlReturn_t code = api_.retired_pages(device, cause.cause, &value, nullptr);
            return code == NVML_ERROR_INSUFFICIENT_SIZE ? NVML_SUCCESS : code;
          })) {
        return value;
      }
      return std::nullopt;
    });
    if (pages) r.retired_pages[cause.name] = *pages;
  }
  auto retire_pending = batched(batch, NVML_FI_DEV_RETIRED_PENDING, 0, [&]() -> std::optional<double> {
    nvmlEnableState_t value{};
    if (api_.retired_pages_pending && call(r, s, "nvmlDeviceGetRetiredPagesPendingStatus",
                                           [&] { return api_.retired_pages_pending(device, &value); })) {
      return value == NVML_FEATURE_ENABLED ? 1.0 : 0.0;
    }
    return std::nullopt;
  });
  if (retire_pending) r.retired_pages_pending = *retire_pending != 0;
  // The four remap readings come together, from the batch or from one classic call.
  FieldAnswer remap[4];
  bool all = true, fall_back = false;
  for (std::size_t i = 0; i < 4; ++i) {
    remap[i] = batch.answer(kRemapFields[i]);
    all &= remap[i].value.has_value();
    fall_back |= remap[i].fall_back;
  }
  if (all) {
    r.remapped_rows_correctable = *remap[0].value;
    r.remapped_rows_uncorrectable = *remap[1].value;
    r.remapped_rows_pending = *remap[2].value != 0;
    r.remapped_rows_failure = *remap[3].value != 0;
    return;
  }
  unsigned correctable = 0, uncorrectable = 0, is_pending = 0, failure = 0;
  if (fall_back && api_.remapped_rows && call(r, s, "nvmlDeviceGetRemappedRows", [&] {
        return api_.remapped_rows(device, &correctable, &uncorrectable, &is_pending, &failure);
      })) {
    r.remapped_rows_correctable = correctable;
    r.remapped_rows_uncorrectable = uncorrectable;
    r.remapped_rows_pending = is_pending != 0;
    r.remapped_rows_failure = failure != 0;
  }
}

void NvmlSampler::read_link_counters(nvmlDevice_t device, GpuReading& r, DeviceState& s, const NvmlFieldBatch& batch) {
  r.pcie_replays = batched(batch, NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0, [&]() -> std::optional<double> {
    unsigned value = 0;
    if (api_.pcie_replay_counter &&
        call(r, s, "nvmlDeviceGetPcieReplayCounter", [&] { return api_.pcie_replay_counter(device, &value); })) {
      return value;
    }
    return std::nullopt;
  });
  for (auto& link : r.nvlinks) {
    if (!link.up) continue;
    for (const auto& counter : kNvLinkCounters) {
      auto count = batched(batch, counter.field_id, link.link, [&]() -> std::optional<double> {
        unsigned long long value = 0;
        std::string call_name = std::string("nvmlDeviceGetNvLinkErrorCounter/") + counter.name;
        if (api_.nvlink_error_counter && call(r, s, call_name.c_str(), [&] {
              return api_.nvlink_error_counter(device, link.link, counter.counter, &value);
            })) {
          return static_cast<double>(value);
        }
        return std::nullopt;
      });
      if (count) link.errors[counter.name] = *count;
    }
  }
  if (r.nvlinks.empty()) return;
  FieldAnswer tx = batch.answer(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, kNvmlScopeAllLinks);
  FieldAnswer rx = batch.answer(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, kNvmlScopeAllLinks);
  if (tx.value && rx.value) {  // both or neither, as before the batch
    r.nvlink_transmit_bytes = *tx.value * kKibibyte;
    r.nvlink_receive_bytes = *rx.value * kKibibyte;
  }
}

void NvmlSampler::read_slow_state(nvmlDevice_t device, GpuReading& r, DeviceState& s) {
  if (s.slow_read_this_cycle) {
    s.persistence_mode.reset();
    nvmlEnableState_t mode{};
    if (api_.persistence_mode &&
        call(r, s, "nvmlDeviceGetPersistenceMode", [&] { return api_.persistence_mode(device, &mode); })) {
      s.persistence_mode = mode == NVML_FEATURE_ENABLED;
    }
    s.row_remap_banks.clear();
    nvmlRowRemapperHistogramValues_t banks{};
    if (api_.row_remapper_histogram &&
        call(r, s, "nvmlDeviceGetRowRemapperHistogram", [&] { return api_.row_remapper_histogram(device, &banks); })) {
      s.row_remap_banks = {{"max", banks.max}, {"high", banks.high}, {"partial", banks.partial},
                           {"low", banks.low}, {"none", banks.none}};
    }
  }
  r.persistence_mode = s.persistence_mode;
  r.row_remap_bank_availability = s.row_remap_banks;
}

}  // namespace ainode
