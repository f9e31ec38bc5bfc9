// libFuzzer target: parse_profile must return on any input (profile files
// come from a ConfigMap anyone with namespace rights can edit), with every
// problem as an error value: no yaml-cpp exception escapes, no crash, hang
// or out-of-bounds read. The cross-profile checks run on what parsed, since
// the agent runs them on every reload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/profile_parser.hpp"
#include "policy/profile_validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto result = ainode::parse_profile(input, "/etc/ainode/policies/fuzz.yaml");
  ainode::validate_profiles(result.profiles);
  ainode::check_device_constraints(result.profiles, {{0, "", "NVIDIA H100", 200, 700, 700.0}});
  return 0;
}
