// libFuzzer target: parse_net_dev, parse_protocol_counters and default_route_interface must return or throw ParseError on any input, never
// crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/network/netdev_parser.hpp"
#include "collectors/network/protocol_counters_parser.hpp"
#include "collectors/network/route_parser.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    ainode::default_route_interface(input);
    ainode::parse_net_dev(input);
  } catch (const ainode::ParseError&) {
  }
  try {
    ainode::parse_protocol_counters(input);
  } catch (const ainode::ParseError&) {
  }
  return 0;
}
