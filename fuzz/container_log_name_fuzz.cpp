// libFuzzer target: parse_container_log_name on any file name and link
// target (split at the first NUL byte), never crashes or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "k8s/container_log_name_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nul = input.find('\0');
  std::string_view name = input.substr(0, nul);
  std::string_view target = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  ainode::parse_container_log_name(name, target);
  return 0;
}
