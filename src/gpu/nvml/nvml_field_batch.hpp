#pragma once
// One nvmlDeviceGetFieldValues call per GPU per cycle for every reading NVML
// also offers as a field value (ECC mode and totals, retired pages, row
// remapping, PCIe replays, NVLink error counters and throughput, memory
// temperature, energy). nvml.h: "If any of the underlying fieldIds are
// populated by the same driver call, the results for those field IDs will be
// populated from a single call rather than making a driver call for each".
//
// A field the GPU answers NOT_SUPPORTED for (an older driver that does not
// know it) is remembered per GPU and not asked again; its reading then comes
// from the classic entry point, so batching never makes a value disappear.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gpu/nvml/nvml_abi.hpp"

namespace ainode {

// What one field answered.
struct FieldAnswer {
  std::optional<double> value;        // success, decoded by its valueType
  bool fall_back = false;             // use the classic entry point: not supported, not asked, or an unknown type
  nvmlReturn_t error = NVML_SUCCESS;  // another failure of this field: counted, no value this cycle
};
FieldAnswer decode_field(const nvmlFieldValue_t& field);

using FieldKey = std::pair<unsigned, unsigned>;  // fieldId, scopeId

class NvmlFieldBatch {
 public:
  // `unsupported`: the fields this GPU answered NOT_SUPPORTED before; it outlives the batch.
  explicit NvmlFieldBatch(std::set<FieldKey>& unsupported) : unsupported_(unsupported) {}

  // Asks for a field this cycle unless the GPU does not support it;
  // `capability` names it in the error counters.
  void request(unsigned field_id, unsigned scope_id, const std::string& capability);
  // The request, ready for nvmlDeviceGetFieldValues: fieldId and scopeId set,
  // everything else zero (a driver has been seen adding to `value` instead of
  // setting it, NVIDIA/go-nvml#46, so values are never reused).
  std::vector<nvmlFieldValue_t>& fields() { return fields_; }
  // Takes what the call returned: a failed call answered nothing, and every
  // field falls back; NOT_SUPPORTED fields are remembered.
  void answered(nvmlReturn_t code);
  FieldAnswer answer(unsigned field_id, unsigned scope_id = 0) const;
  // The other per-field failures, by capability, for the error counters.
  std::vector<std::pair<std::string, nvmlReturn_t>> errors() const;

 private:
  std::set<FieldKey>& unsupported_;
  std::vector<nvmlFieldValue_t> fields_;
  std::vector<std::string> capabilities_;
  std::map<FieldKey, std::size_t> index_;
  bool answered_ = false;
};

}  // namespace ainode
