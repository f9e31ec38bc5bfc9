// libFuzzer target: the amdgpu sysfs parsers return or throw ParseError on
// any text, never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text.hpp"
#include "gpu/amdgpu/amdgpu_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try { ainode::parse_busy_percent(input); } catch (const ainode::ParseError&) {}
  try { ainode::parse_dpm_current_hertz(input); } catch (const ainode::ParseError&) {}
  try { ainode::parse_ras_counts(input); } catch (const ainode::ParseError&) {}
  return 0;
}
