// libFuzzer target: the outbound URL parser takes any bytes, never crashes,
// and what it accepts has a host, a port and a target starting with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/url_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto url = ainode::parse_http_url(input, error);
  if (url) {
    if (url->host.empty() || url->port.empty() || url->target.empty() || url->target.front() != '/') std::abort();
    if (url->target.find_first_of("\r\n ") != std::string::npos) std::abort();
    ainode::host_header(*url);
  } else if (error.empty()) {
    std::abort();
  }
  return 0;
}
