#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/network/netdev_parser.hpp"
#include "collectors/network/network_collector.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(NetDevParser, ParsesAndRejects) {
  auto devices = parse_net_dev(
      "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
      "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\nlo:1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n");
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].device, "eth0");
  EXPECT_EQ(devices[0].receive[7], 8u);
  EXPECT_EQ(devices[0].transmit[6], 15u);
  EXPECT_EQ(devices[1].device, "lo");
  EXPECT_TRUE(parse_net_dev("").empty());
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3\n"), ParseError);
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n"), ParseError);
  EXPECT_THROW(parse_net_dev(": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), ParseError);
}

TEST(ProtocolCountersParser, PairsAndMismatches) {
  auto counters = parse_protocol_counters("Tcp: MaxConn CurrEstab\nTcp: -1 42\nUdp: InErrors\nUdp: 3\n");
  EXPECT_EQ(counters["Tcp"]["MaxConn"], -1);
  EXPECT_EQ(counters["Tcp"]["CurrEstab"], 42);
  EXPECT_EQ(counters["Udp"]["InErrors"], 3);
  EXPECT_TRUE(parse_protocol_counters("").empty());
  EXPECT_THROW(parse_protocol_counters("Tcp: A B\nTcp: 1\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nUdp: 1\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nTcp: x\n"), ParseError);
}

TEST(RouteParser, DefaultRouteWithLowestMetric) {
  EXPECT_EQ(default_route_interface("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                                    "ib0\t00000000\t01\t0003\t0\t0\t200\t00000000\n"
                                    "eth0\t00000000\t01\t0003\t0\t0\t100\t00000000\n"
                                    "eth0\t000200C0\t00\t0001\t0\t0\t0\t00FFFFFF\n"),
            "eth0");
  EXPECT_FALSE(default_route_interface("Iface\tDestination\n"));
  EXPECT_FALSE(default_route_interface("garbage\n\n1 2 3"));
}

TEST(NetworkCollector, FixtureInterfaces) {
  NetworkCollector collector{NetworkConfig{}};
  auto out = collect_once(collector);
  EXPECT_EQ(out.count("ainode_network_receive_bytes_total"), 3u) << "veth excluded by default";
  EXPECT_EQ(out.value("ainode_network_receive_bytes_total", {{"device", "eth0"}}), 98765432109.0);
  EXPECT_EQ(out.value("ainode_network_transmit_colls_total", {{"device", "eth0"}}), 0.0);
  EXPECT_EQ(out.value("ainode_network_receive_drop_total", {{"device", "eth0"}}), 34.0);
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "eth0"}}), 1.0);
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "lo"}}), 0.0);
  EXPECT_EQ(out.value("ainode_network_speed_bytes", {{"device", "eth0"}}), 25000.0 * 125000);
  EXPECT_FALSE(out.value("ainode_network_speed_bytes", {{"device", "lo"}})) << "no speed file: absent, not zero";
  EXPECT_EQ(out.value("ainode_network_mtu_bytes", {{"device", "ib0"}}), 4092.0);
  EXPECT_EQ(out.value("ainode_network_default_route_info", {{"device", "eth0"}}), 1.0);
}

TEST(NetstatCollector, FixtureCounters) {
  NetstatCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_tcp_retransmitted_segments_total"), 54321.0);
  EXPECT_EQ(out.value("ainode_tcp_current_established"), 42.0);
  EXPECT_EQ(out.value("ainode_tcp_timeouts_total"), 1717.0);
  EXPECT_EQ(out.value("ainode_tcp_listen_drops_total"), 13.0);
  EXPECT_EQ(out.value("ainode_udp_receive_buffer_errors_total"), 2.0);
}
