#pragma once
// The kernel log as the NVIDIA driver writes XIDs into it, parsed on
// strings. A /dev/kmsg record is "PRIORITY,SEQUENCE,MICROSECONDS,FLAGS[,..];
// MESSAGE" followed by " KEY=VALUE" continuation lines (the kernel's
// Documentation/ABI/testing/dev-kmsg). The driver's line is
//   NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus.
// (older drivers: "NVRM: Xid (0000:3b:00): 13, 0003 00000000 ..."), and the
// kernel's rate limiter replaces a burst with "FUNC: N callbacks suppressed".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

struct KmsgRecord {
  unsigned priority = 0;  // syslog facility * 8 + level
  std::uint64_t sequence = 0;
  std::uint64_t monotonic_microseconds = 0;  // since boot, CLOCK_MONOTONIC
  std::string_view message;                  // the first line, without the continuation lines
};

// nullopt for anything that is not a well-formed record header.
std::optional<KmsgRecord> parse_kmsg_record(std::string_view record);

// A PCI device address as the driver and NVML print it: "0000:3b:00",
// "00000000:3B:00.0"; the function is ignored (an XID names the GPU).
struct PciAddress {
  std::uint32_t domain = 0;
  std::uint32_t bus = 0, device = 0;
  auto operator<=>(const PciAddress&) const = default;
};
std::optional<PciAddress> parse_pci_address(std::string_view text);

struct KernelXid {
  PciAddress pci;
  std::uint32_t code = 0;
  std::string detail;  // the driver's words after the code (pid, name, message), at most 240 bytes
};

// The XID of one kernel log message ("NVRM: Xid (...)" anywhere in it, so
// dmesg and journal lines work too); nullopt for every other message.
std::optional<KernelXid> parse_kernel_xid(std::string_view message);

// N of a rate limiter's "FUNC: N callbacks suppressed"; nullopt otherwise.
std::optional<std::uint64_t> parse_callbacks_suppressed(std::string_view message);

}  // namespace ainode
