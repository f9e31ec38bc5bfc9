#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/numa/numa_collector.hpp"
#include "collectors/numa/numa_parser.hpp"
#include "collectors/pcie/pcie_collector.hpp"
#include "collectors/pcie/pcie_parser.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(NumaParser, NodeMeminfo) {
  auto m = parse_node_meminfo("Node 0 MemTotal:       1000 kB\nNode 0 HugePages_Total:     8\n");
  EXPECT_EQ(m.at("MemTotal"), 1024000u);
  EXPECT_EQ(m.at("HugePages_Total"), 8u);
  EXPECT_TRUE(parse_node_meminfo("").empty());
  EXPECT_THROW(parse_node_meminfo("MemTotal: 5 kB\n"), ParseError);
  EXPECT_THROW(parse_node_meminfo("Node 0 MemTotal: lots kB\n"), ParseError);
  EXPECT_THROW(parse_node_meminfo("Node 0 MemTotal:\n"), ParseError);
}

TEST(NumaParser, CpuLists) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n"), (std::vector<unsigned>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_TRUE(parse_cpu_list("\n").empty());
  EXPECT_THROW(parse_cpu_list("3-1"), ParseError);
  EXPECT_THROW(parse_cpu_list("a-b"), ParseError);
  EXPECT_THROW(parse_cpu_list("1-2-3"), ParseError);
  EXPECT_THROW(parse_cpu_list("0-4000000000"), ParseError);
}

TEST(NumaParser, Interrupts) {
  auto totals = parse_interrupts(
      "           CPU0       CPU2\n  0:   5   6  IR-IO-APIC timer\nLOC:  10  20  Local timer\nERR:   3\n");
  EXPECT_EQ(totals.cpus, (std::vector<unsigned>{0, 2}));
  EXPECT_EQ(totals.totals, (std::vector<std::uint64_t>{18, 26}));
  EXPECT_THROW(parse_interrupts(""), ParseError);
  EXPECT_THROW(parse_interrupts("garbage header\n"), ParseError);
  EXPECT_THROW(parse_interrupts("  CPU0\n 0 5\n"), ParseError);
}

TEST(NumaCollector, TwoNodeFixture) {
  NumaCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_numa_memory_total_bytes", {{"node", "1"}}), 131981416.0 * 1024);
  EXPECT_EQ(out.value("ainode_numa_miss_pages_total", {{"node", "0"}}), 1200.0);
  EXPECT_EQ(out.value("ainode_numa_distance", {{"node", "0"}, {"target", "1"}}), 21.0);
  EXPECT_EQ(out.value("ainode_numa_cpus", {{"node", "1"}}), 2.0);
  EXPECT_EQ(out.value("ainode_numa_interrupts_total", {{"node", "0"}}), 10000067.0);
  EXPECT_FALSE(out.value("ainode_numa_cpu_utilization_ratio")) << "no delta on the first cycle";
  auto second = collect_once(collector);
  EXPECT_FALSE(second.value("ainode_numa_cpu_utilization_ratio")) << "fixture ticks did not move: no ratio";
}

TEST(NumaCollector, NonNumaKernelGivesNothing) {
  NumaCollector collector;
  HostFs flat(fixture_path("proc"), fixture_path("rootfs"), fixture_path("rootfs"));
  EXPECT_TRUE(collect_once(collector, flat).metrics.empty());
}

TEST(PcieParser, SpeedsAndKinds) {
  EXPECT_DOUBLE_EQ(*parse_pcie_speed("16.0 GT/s PCIe\n"), 16e9);
  EXPECT_DOUBLE_EQ(*parse_pcie_speed("2.5 GT/s"), 2.5e9);
  EXPECT_FALSE(parse_pcie_speed("Unknown"));
  EXPECT_FALSE(parse_pcie_speed(""));
  EXPECT_FALSE(parse_pcie_speed("-1 GT/s"));
  EXPECT_EQ(pcie_device_kind("0x030200"), "gpu");
  EXPECT_EQ(pcie_device_kind("0x030000\n"), "gpu");
  EXPECT_EQ(pcie_device_kind("0x020700"), "nic");
  EXPECT_EQ(pcie_device_kind("0x120000"), "accelerator");
  EXPECT_EQ(pcie_device_kind("0x0c0330"), "");
  EXPECT_EQ(pcie_device_kind("junk"), "");
}

TEST(PcieCollector, TrainedDownLinkIsVisible) {
  PcieCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_pcie_device_info"), 4u) << "USB controller not watched";
  EXPECT_EQ(out.value("ainode_pcie_link_width_degraded", {{"address", "0000:c1:00.0"}}), 1.0) << "the AMD GPU at x8 of x16";
  EXPECT_EQ(out.value("ainode_pcie_device_info", {{"kind", "gpu"}, {"driver", "amdgpu"}}), 1.0);
  EXPECT_EQ(out.value("ainode_pcie_link_width_degraded", {{"address", "0000:ab:00.0"}}), 1.0);
  EXPECT_EQ(out.value("ainode_pcie_link_width_degraded", {{"address", "0000:18:00.0"}}), 0.0);
  EXPECT_EQ(out.value("ainode_pcie_link_speed_transfers_per_second", {{"address", "0000:ab:00.0"}}), 8e9);
  EXPECT_EQ(out.value("ainode_pcie_link_max_speed_transfers_per_second", {{"address", "0000:ab:00.0"}}), 16e9);
  EXPECT_EQ(out.value("ainode_pcie_device_numa_node", {{"address", "0000:ab:00.0"}}), 1.0);
  EXPECT_EQ(out.value("ainode_pcie_device_info", {{"kind", "nic"}, {"driver", "mlx5_core"}}), 1.0);
}
