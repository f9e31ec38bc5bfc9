// libFuzzer target: parse_kubelet_summary returns or throws ParseError on any
// text, never crashes, hangs or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text.hpp"
#include "k8s/kubelet_summary_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    ainode::parse_kubelet_summary(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const ainode::ParseError&) {
  }
  return 0;
}
