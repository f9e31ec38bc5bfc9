// libFuzzer target: parse_exposition and extract_model_counters must return
// on any input (a model server's /metrics is untrusted), never crash, hang
// or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/app/exposition_parser.hpp"
#include "collectors/app/model_tokens_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = ainode::parse_exposition(input, 1000);
  ainode::extract_model_counters(parsed);
  return 0;
}
