// libFuzzer target: the kernel log parsers (kmsg records, NVRM XID lines,
// rate-limiter notes, PCI addresses) return a value or nullopt on any text,
// never crash, hang or read out of bounds; what they return lies inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gpu/kmsg_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto record = ainode::parse_kmsg_record(input)) {
    if (record->message.data() < input.data() || record->message.data() + record->message.size() > input.data() + input.size()) {
      std::abort();
    }
    ainode::parse_kernel_xid(record->message);
  }
  if (auto xid = ainode::parse_kernel_xid(input); xid && xid->detail.size() > 240) std::abort();
  ainode::parse_callbacks_suppressed(input);
  ainode::parse_pci_address(input);
  return 0;
}
