// libFuzzer target: the event-stream client parser must take any bytes, in
// any split, without crashing or buffering past its line limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/sse_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ainode::SseParser whole(4096), split(4096);
  auto a = whole.feed(input);
  auto half = input.size() / 2;
  auto b = split.feed(input.substr(0, half));
  auto c = split.feed(input.substr(half));
  // Where the input is split must not change what comes out.
  if (whole.error().empty() && split.error().empty() && a.size() != b.size() + c.size()) __builtin_trap();
  return 0;
}
