#pragma once
// nvmlDeviceGetFieldValues answers each field in a union whose member is
// named by valueType; reading the wrong member gives garbage (a double read
// as an unsigned int, the high half of a 64-bit counter dropped).
#include <optional>

#include "gpu/nvml/nvml_abi.hpp"

namespace ainode {

// The field's value as a double; nullopt when the field itself failed
// (its nvmlReturn) or carries a value type this code does not know.
std::optional<double> nvml_field_value(const nvmlFieldValue_t& field);

}  // namespace ainode
