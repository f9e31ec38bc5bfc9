// nvmlDeviceGetFieldValues of the simulator: the field ids ainode batches,
// answered from the same formulas as their classic entry points
// (sim_readings.hpp), so the batch and its fallbacks agree.
//
// nvml.h does not say which member of nvmlValue_t the driver fills for each
// field; the simulator fills the one as wide as the classic entry point's
// output (unsigned int for counts, flags and temperatures, unsigned long
// long for ECC, NVLink and energy counters) and sets valueType to match.
// ainode reads whichever member valueType names, so a driver that chooses
// otherwise is still read right (tests/gpu/nvml_sampler_test.cpp).
//
// The old-driver build answers NOT_SUPPORTED for every field but the three
// ainode read before it batched, as a driver older than the fields would:
// tests check that each reading then comes from its classic call.
#include <cmath>

#include "nvml_sim/sim_call.hpp"
#include "nvml_sim/sim_readings.hpp"

using namespace ainode::sim;

namespace {

void answer_uint(nvmlFieldValue_t& v, unsigned value) {
  v.valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
  v.value.uiVal = value;
  v.nvmlReturn = NVML_SUCCESS;
}

void answer_ull(nvmlFieldValue_t& v, unsigned long long value) {
  v.valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
  v.value.ullVal = value;
  v.nvmlReturn = NVML_SUCCESS;
}

bool known_to_old_drivers(unsigned field) {
  return field == NVML_FI_DEV_MEMORY_TEMP || field == NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX ||
         field == NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX;
}

// An NVLink field's scope: NOT_SUPPORTED without NVLink, INVALID_ARGUMENT past the last link.
bool link_in_scope(nvmlFieldValue_t& v, const SimGpu& g, bool all_links_allowed) {
  unsigned links = model(g).nvlinks;
  if (links == 0) {
    v.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    return false;
  }
  if (v.scopeId >= links && !(all_links_allowed && v.scopeId == kNvmlScopeAllLinks)) {
    v.nvmlReturn = NVML_ERROR_INVALID_ARGUMENT;
    return false;
  }
  return true;
}

void answer_nvlink_errors(nvmlFieldValue_t& v, const SimGpu& g, double t, nvmlNvLinkErrorCounter_t counter) {
  if (link_in_scope(v, g, false)) answer_ull(v, nvlink_errors(g, t, v.scopeId, counter));
}

void answer(nvmlFieldValue_t& v, SimGpu& g, double t) {
  State& state = State::get();
#ifdef AINODE_NVML_SIM_OLD_DRIVER
  if (!known_to_old_drivers(v.fieldId)) {
    v.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    return;
  }
#else
  (void)known_to_old_drivers;
#endif
  switch (v.fieldId) {
    case NVML_FI_DEV_MEMORY_TEMP:
      answer_uint(v, static_cast<unsigned>(std::lround(state.reading(g, t).temperature_c + 5)));
      return;
    case NVML_FI_DEV_ECC_CURRENT:
    case NVML_FI_DEV_ECC_PENDING: answer_uint(v, NVML_FEATURE_ENABLED); return;  // as nvmlDeviceGetEccMode
    case NVML_FI_DEV_ECC_SBE_VOL_TOTAL:
      answer_ull(v, ecc_total(g, t, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC));
      return;
    case NVML_FI_DEV_ECC_DBE_VOL_TOTAL:
      answer_ull(v, ecc_total(g, t, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC));
      return;
    case NVML_FI_DEV_ECC_SBE_AGG_TOTAL:
      answer_ull(v, ecc_total(g, t, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC));
      return;
    case NVML_FI_DEV_ECC_DBE_AGG_TOTAL:
      answer_ull(v, ecc_total(g, t, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC));
      return;
    case NVML_FI_DEV_RETIRED_SBE:
      answer_uint(v, retired_pages(g, t, NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS));
      return;
    case NVML_FI_DEV_RETIRED_DBE: answer_uint(v, retired_pages(g, t, NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR)); return;
    case NVML_FI_DEV_RETIRED_PENDING: answer_uint(v, retirement_pending(g, t) ? 1 : 0); return;
    case NVML_FI_DEV_REMAPPED_COR: answer_uint(v, remap_state(g, t).correctable); return;
    case NVML_FI_DEV_REMAPPED_UNC: answer_uint(v, remap_state(g, t).uncorrectable); return;
    case NVML_FI_DEV_REMAPPED_PENDING: answer_uint(v, remap_state(g, t).pending ? 1 : 0); return;
    case NVML_FI_DEV_REMAPPED_FAILURE: answer_uint(v, remap_state(g, t).failure ? 1 : 0); return;
    case NVML_FI_DEV_PCIE_REPLAY_COUNTER: answer_uint(v, pcie_replays(g, t)); return;
    case NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION: answer_ull(v, energy_millijoules(g, t)); return;
    case NVML_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL: answer_nvlink_errors(v, g, t, NVML_NVLINK_ERROR_DL_REPLAY); return;
    case NVML_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL:
      answer_nvlink_errors(v, g, t, NVML_NVLINK_ERROR_DL_RECOVERY);
      return;
    case NVML_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL:
      answer_nvlink_errors(v, g, t, NVML_NVLINK_ERROR_DL_CRC_FLIT);
      return;
    case NVML_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL:
      answer_nvlink_errors(v, g, t, NVML_NVLINK_ERROR_DL_CRC_DATA);
      return;
    case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX:
    case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX: {
      if (!link_in_scope(v, g, true)) return;
      double kib = state.nvlink_data_kib(g, t, v.fieldId == NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX);
      if (v.scopeId != kNvmlScopeAllLinks) kib /= model(g).nvlinks;
      answer_ull(v, static_cast<unsigned long long>(std::llround(kib)));
      return;
    }
    default: v.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
  }
}

}  // namespace

NVML_EXPORT nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t* values) {
  return on_gpu("nvmlDeviceGetFieldValues", device, [&](SimGpu& g, double t) {
    if (values == nullptr || count < 0) return NVML_ERROR_INVALID_ARGUMENT;
    for (int i = 0; i < count; ++i) answer(values[i], g, t);
    return NVML_SUCCESS;
  });
}
