#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/infiniband/infiniband_collector.hpp"
#include "collectors/infiniband/infiniband_parser.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(InfinibandParser, StatesRatesCounters) {
  auto state = parse_ib_state("4: ACTIVE\n");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->code, 4);
  EXPECT_EQ(state->name, "ACTIVE");
  EXPECT_EQ(parse_ib_state("5: LinkUp")->name, "LinkUp");
  EXPECT_FALSE(parse_ib_state(""));
  EXPECT_FALSE(parse_ib_state("ACTIVE"));
  EXPECT_FALSE(parse_ib_state("x: ACTIVE"));
  EXPECT_FALSE(parse_ib_state("4:"));
  EXPECT_DOUBLE_EQ(*parse_ib_rate_bytes("200 Gb/sec (4X HDR)"), 25e9);
  EXPECT_DOUBLE_EQ(*parse_ib_rate_bytes("2.5 Gb/sec (1X SDR)"), 312.5e6);
  EXPECT_FALSE(parse_ib_rate_bytes("fast"));
  EXPECT_FALSE(parse_ib_rate_bytes("100 Mb/sec"));
  EXPECT_EQ(parse_ib_counter("1234\n"), 1234u);
  EXPECT_FALSE(parse_ib_counter("N/A"));
  EXPECT_FALSE(parse_ib_counter(""));
  EXPECT_EQ(sanitize_counter_name("rx-vport.rdma/unicast"), "rx_vport_rdma_unicast");
}

TEST(InfinibandCollector, MellanoxAndIrdmaPorts) {
  InfinibandCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_infiniband_port_state", {{"device", "mlx5_0"}}), 4.0);
  EXPECT_EQ(out.value("ainode_infiniband_port_rate_bytes", {{"device", "mlx5_0"}}), 25e9);
  // port_*_data count 4-byte words.
  EXPECT_EQ(out.value("ainode_infiniband_port_data_received_bytes_total", {{"device", "mlx5_0"}}), 5e9);
  EXPECT_EQ(out.value("ainode_infiniband_port_data_transmitted_bytes_total", {{"device", "mlx5_0"}}), 1e10);
  EXPECT_EQ(out.value("ainode_infiniband_port_errors_total", {{"device", "mlx5_0"}, {"counter", "link_downed"}}), 2.0);
  EXPECT_EQ(out.value("ainode_infiniband_port_errors_total", {{"counter", "port_xmit_discards"}}), 7.0);
  EXPECT_EQ(out.value("ainode_infiniband_port_hw_events_total", {{"counter", "out_of_buffer"}}), 3.0);
  EXPECT_EQ(out.value("ainode_infiniband_port_transmit_wait_total"), 123456.0);
  // irdma: "N/A" counters and missing files lose only those series.
  EXPECT_EQ(out.value("ainode_infiniband_port_state", {{"device", "irdma0"}}), 1.0);
  EXPECT_EQ(out.value("ainode_infiniband_port_info", {{"device", "irdma0"}, {"link_layer", "Ethernet"}}), 1.0);
  EXPECT_FALSE(out.value("ainode_infiniband_port_data_received_bytes_total", {{"device", "irdma0"}}));
  EXPECT_FALSE(out.value("ainode_infiniband_port_errors_total", {{"device", "irdma0"}}));
  ASSERT_TRUE(out.details);
  EXPECT_EQ((*out.details)["rdma"][0]["device"], "irdma0");
  EXPECT_EQ((*out.details)["rdma"][1]["ports"][0]["state"], "ACTIVE");
}

TEST(InfinibandCollector, NoRdmaHardwareIsEmpty) {
  InfinibandCollector collector;
  HostFs none(fixture_path("proc"), fixture_path("rootfs"), fixture_path("rootfs"));
  auto out = collect_once(collector, none);
  EXPECT_TRUE(out.metrics.empty());
  EXPECT_TRUE((*out.details)["rdma"].empty());
}
