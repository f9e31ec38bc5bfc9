// libFuzzer target: parse_web_config must return or throw WebConfigError on
// any input (a web-config.yml is operator input, and yaml-cpp's own
// exceptions must not escape), never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "web/web_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    ainode::parse_web_config(input, "/etc/ainode/web.yml");
  } catch (const ainode::WebConfigError&) {
  }
  return 0;
}
