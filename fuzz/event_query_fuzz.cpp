// libFuzzer target: the /v1/events query (and the Last-Event-ID header) and
// the query-string decoder must accept or refuse any input, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/event_query_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto split = input.find('\n');
  std::string_view target = input.substr(0, split);
  std::string_view header = split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);
  auto result = ainode::parse_event_query(target, header);
  if (result.error.empty()) result.query.matches("gpu_xid", ainode::Severity::warning);
  return 0;
}
