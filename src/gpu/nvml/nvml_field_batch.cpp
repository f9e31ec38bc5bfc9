#include "gpu/nvml/nvml_field_batch.hpp"

#include "gpu/nvml/nvml_field_value.hpp"

namespace ainode {

FieldAnswer decode_field(const nvmlFieldValue_t& field) {
  FieldAnswer out;
  if (field.nvmlReturn == NVML_SUCCESS) {
    out.value = nvml_field_value(field);
    out.fall_back = !out.value;  // a value type this code cannot read: the classic call can
  } else if (field.nvmlReturn == NVML_ERROR_NOT_SUPPORTED) {
    out.fall_back = true;
  } else {
    out.error = field.nvmlReturn;
  }
  return out;
}

void NvmlFieldBatch::request(unsigned field_id, unsigned scope_id, const std::string& capability) {
  FieldKey key{field_id, scope_id};
  if (unsupported_.contains(key) || index_.contains(key)) return;
  nvmlFieldValue_t field{};
  field.fieldId = field_id;
  field.scopeId = scope_id;
  index_.emplace(key, fields_.size());
  fields_.push_back(field);
  capabilities_.push_back(capability);
}

void NvmlFieldBatch::answered(nvmlReturn_t code) {
  answered_ = code == NVML_SUCCESS;
  if (!answered_) return;
  for (const auto& field : fields_) {
    if (field.nvmlReturn == NVML_ERROR_NOT_SUPPORTED) unsupported_.insert({field.fieldId, field.scopeId});
  }
}

FieldAnswer NvmlFieldBatch::answer(unsigned field_id, unsigned scope_id) const {
  auto found = index_.find({field_id, scope_id});
  if (!answered_ || found == index_.end()) {
    FieldAnswer none;
    none.fall_back = true;
    return none;
  }
  return decode_field(fields_[found->second]);
}

std::vector<std::pair<std::string, nvmlReturn_t>> NvmlFieldBatch::errors() const {
  std::vector<std::pair<std::string, nvmlReturn_t>> out;
  if (!answered_) return out;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    nvmlReturn_t code = fields_[i].nvmlReturn;
    if (code != NVML_SUCCESS && code != NVML_ERROR_NOT_SUPPORTED) out.emplace_back(capabilities_[i], code);
  }
  return out;
}

}  // namespace ainode
