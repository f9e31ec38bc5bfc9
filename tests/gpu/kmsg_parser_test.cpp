#include "gpu/kmsg_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

using namespace ainode;

namespace {

// The recorded records, each with its continuation lines.
std::vector<std::string> recorded_records() {
  std::ifstream in(std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/kmsg/dev-kmsg.txt");
  std::vector<std::string> records;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == ' ' && !records.empty()) {
      records.back() += "\n" + line;
    } else {
      records.push_back(line + "\n");
    }
  }
  return records;
}

}  // namespace

TEST(KmsgRecord, ParsesHeaderAndFirstLine) {
  auto record = parse_kmsg_record("4,1022,5012345678,-;NVRM: Xid (PCI:0000:3b:00): 79, x\n SUBSYSTEM=pci\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->priority, 4u);
  EXPECT_EQ(record->sequence, 1022u);
  EXPECT_EQ(record->monotonic_microseconds, 5012345678u);
  EXPECT_EQ(record->message, "NVRM: Xid (PCI:0000:3b:00): 79, x");
}

TEST(KmsgRecord, AcceptsNewerKernelsExtraHeaderFields) {
  auto record = parse_kmsg_record("4,1039,6200000500,-,caller=T123;hello");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->message, "hello");
}

TEST(KmsgRecord, RefusesMalformedHeaders) {
  EXPECT_FALSE(parse_kmsg_record("garbage without a header"));
  EXPECT_FALSE(parse_kmsg_record("x,1,2,-;message"));
  EXPECT_FALSE(parse_kmsg_record("4,1;message"));
  EXPECT_FALSE(parse_kmsg_record("4,1,-5,-;message"));
  EXPECT_FALSE(parse_kmsg_record(""));
}

TEST(PciAddress, ReadsDriverAndNvmlSpellingsAlike) {
  auto driver = parse_pci_address("PCI:0000:3b:00");
  auto nvml = parse_pci_address("00000000:3B:00.0");
  ASSERT_TRUE(driver && nvml);
  EXPECT_EQ(*driver, *nvml);
  EXPECT_EQ(driver->bus, 0x3bu);
  EXPECT_EQ(parse_pci_address("0001:b1:00")->domain, 1u);
  EXPECT_FALSE(parse_pci_address("PCI:0000:3b"));
  EXPECT_FALSE(parse_pci_address("zzzz:3b:00"));
  EXPECT_FALSE(parse_pci_address("0000:3b:00.x"));
  EXPECT_FALSE(parse_pci_address("0000:3bb:00"));
}

TEST(KernelXid, ParsesTheDriversLine) {
  auto xid = parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.");
  ASSERT_TRUE(xid);
  EXPECT_EQ(xid->code, 79u);
  EXPECT_EQ(xid->pci, (PciAddress{0, 0x3b, 0}));
  EXPECT_EQ(xid->detail, "pid='<unknown>', name=<unknown>, GPU has fallen off the bus.");
}

TEST(KernelXid, ParsesOldDriversWithoutPciPrefixAndDmesgPrefixes) {
  auto old = parse_kernel_xid("NVRM: Xid (0000:01:00): 13, 0003 00000000 0000a0c0");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->code, 13u);
  auto dmesg = parse_kernel_xid("[ 5012.345678] NVRM: Xid (PCI:0000:86:00): 74, pid=1, name=nccl, NVLink: fatal");
  ASSERT_TRUE(dmesg);
  EXPECT_EQ(dmesg->code, 74u);
  EXPECT_EQ(dmesg->pci.bus, 0x86u);
}

TEST(KernelXid, RefusesNearMisses) {
  EXPECT_FALSE(parse_kernel_xid("NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus."));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b): 79, truncated address"));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): , no code"));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): 79x, junk"));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00) 79, no colon"));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00"));
  EXPECT_FALSE(parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): 99999999999, overflow"));
}

TEST(KernelXid, KeepsDetailBounded) {
  auto xid = parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): 13, " + std::string(1000, 'a'));
  ASSERT_TRUE(xid);
  EXPECT_EQ(xid->detail.size(), 240u);
  auto bare = parse_kernel_xid("NVRM: Xid (PCI:0000:3b:00): 13");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->detail, "");
}

TEST(CallbacksSuppressed, ReadsTheRateLimitersNote) {
  EXPECT_EQ(parse_callbacks_suppressed("nv_printf: 37 callbacks suppressed"), 37u);
  EXPECT_FALSE(parse_callbacks_suppressed("37 callbacks suppressed"));
  EXPECT_FALSE(parse_callbacks_suppressed("nv_printf: many callbacks suppressed"));
  EXPECT_FALSE(parse_callbacks_suppressed("callbacks suppressed"));
}

TEST(RecordedKernelLog, YieldsExactlyTheXidsInIt) {
  std::vector<unsigned> codes;
  std::uint64_t suppressed = 0;
  int malformed = 0;
  for (const auto& text : recorded_records()) {
    auto record = parse_kmsg_record(text);
    if (!record) {
      ++malformed;
      continue;
    }
    if (auto xid = parse_kernel_xid(record->message)) codes.push_back(xid->code);
    if (auto n = parse_callbacks_suppressed(record->message)) suppressed += *n;
  }
  EXPECT_EQ(codes, (std::vector<unsigned>{79, 119, 48, 63, 94, 13, 31, 13, 13, 13, 74}));
  EXPECT_EQ(suppressed, 37u);
  EXPECT_EQ(malformed, 2);
}
