#pragma once
// What every simulated entry point does first: check nvmlInit, resolve the
// handle, apply the scenario's faults; then answer through `body`.
#include "nvml_sim/sim_state.hpp"

#define NVML_EXPORT extern "C" __attribute__((visibility("default")))

namespace ainode::sim {

template <typename Body>
nvmlReturn_t on_gpu(const char* call, nvmlDevice_t device, Body&& body) {
  State& state = State::get();
  if (!state.initialized()) return NVML_ERROR_UNINITIALIZED;
  SimGpu* gpu = state.gpu_from(device);
  if (gpu == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (nvmlReturn_t code = state.enter(call, gpu); code != NVML_SUCCESS) return code;
  return body(*gpu, state.now());
}

template <typename Out>
nvmlReturn_t set(Out* out, auto value) {
  if (out == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *out = static_cast<Out>(value);
  return NVML_SUCCESS;
}

inline const Model& model(const SimGpu& g) { return *g.spec.model; }

}  // namespace ainode::sim
