#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/network/netdev_parser.hpp"
#include "collectors/network/netstat_collector.hpp"
#include "collectors/network/network_collector.hpp"
#include "collectors/network/protocol_counters_parser.hpp"
#include "collectors/network/route_parser.hpp"
#include "core/text.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(NetDevParser, HeaderSkippedCountersInColumnOrder) {
  auto devices = parse_net_dev(
      "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
      "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\nlo:1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n"
      "eth1:18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].device, "eth0");
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(devices[0].receive[i], i + 1);
    EXPECT_EQ(devices[0].transmit[i], i + 9);
  }
  EXPECT_EQ(devices[1].device, "lo");  // no space after the colon
  EXPECT_EQ(devices[2].receive[0], 18446744073709551615u);
}

TEST(NetDevParser, EmptyTruncatedAndGarbage) {
  EXPECT_TRUE(parse_net_dev("").empty());
  EXPECT_TRUE(parse_net_dev("Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n").empty());
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3\n"), ParseError);
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"), ParseError);
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n"), ParseError);
  EXPECT_THROW(parse_net_dev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -1\n"), ParseError);
  EXPECT_THROW(parse_net_dev(": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), ParseError);
  EXPECT_THROW(parse_net_dev("\x01:\x02\n"), ParseError);
}

TEST(ProtocolCountersParser, PairsOfNamesAndValues) {
  auto counters = parse_protocol_counters(
      "Tcp: RtoAlgorithm MaxConn CurrEstab\nTcp: 1 -1 42\nUdp: InErrors RcvbufErrors\nUdp: 3 9223372036854775807\n");
  EXPECT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters["Tcp"].size(), 3u);
  EXPECT_EQ(counters["Tcp"]["MaxConn"], -1);
  EXPECT_EQ(counters["Tcp"]["CurrEstab"], 42);
  EXPECT_EQ(counters["Udp"]["InErrors"], 3);
  EXPECT_EQ(counters["Udp"]["RcvbufErrors"], 9223372036854775807);
  // A protocol line with no counters (IcmpMsg on a quiet host) is a valid pair.
  EXPECT_TRUE(parse_protocol_counters("IcmpMsg:\nIcmpMsg:\n")["IcmpMsg"].empty());
}

TEST(ProtocolCountersParser, EmptyTruncatedAndMispaired) {
  EXPECT_TRUE(parse_protocol_counters("").empty());
  EXPECT_TRUE(parse_protocol_counters("\n\n").empty());
  try {
    parse_protocol_counters("Tcp: A B\nTcp: 1\n");
    FAIL() << "count mismatch accepted";
  } catch (const ParseError& error) {
    EXPECT_STREQ(error.what(), "protocol counters: Tcp: has 2 names but 1 values");
  }
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nTcp: 1 2\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nUdp: 1\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nTcp: 1\nUdp: B\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp: A\nTcp: x\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("Tcp A\nTcp 1\n"), ParseError);
  EXPECT_THROW(parse_protocol_counters("\x01\x02\n\x03\n"), ParseError);
}

TEST(RouteParser, DefaultRouteWithLowestMetric) {
  const char* header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
  EXPECT_EQ(default_route_interface(std::string(header) +
                                    "ib0\t00000000\t0100000A\t0003\t0\t0\t200\t00000000\t0\t0\t0\n"
                                    "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                                    "eth1\t00000000\t010300C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                                    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"),
            "eth0");
  // The kernel pads lines with spaces to 128 bytes.
  EXPECT_EQ(default_route_interface(std::string(header) + "ens3\t00000000\t01\t0003\t0\t0\t0\t00000000\t0\t0\t0    \n"),
            "ens3");
  // 0.0.0.0 with a non-zero mask is not a default route.
  EXPECT_FALSE(default_route_interface(std::string(header) + "eth0\t00000000\t01\t0003\t0\t0\t0\t000000FF\t0\t0\t0\n"));
}

TEST(RouteParser, EmptyTruncatedAndGarbage) {
  EXPECT_FALSE(default_route_interface(""));
  EXPECT_FALSE(default_route_interface("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"));
  EXPECT_FALSE(default_route_interface("eth0\t00000000\t01\t0003\n"));
  EXPECT_FALSE(default_route_interface("eth0\t00000000\t01\t0003\t0\t0\tx\t00000000\n"));
  EXPECT_FALSE(default_route_interface("garbage\n\n1 2 3"));
}

namespace {
std::vector<std::string> devices_of(const Collected& out, std::string_view family_name) {
  std::vector<std::string> devices;
  if (const Family* family = out.metrics.find(family_name)) {
    for (const auto& sample : family->samples) devices.emplace_back(sample.label_values[0]);
  }
  return devices;
}
}  // namespace

TEST(NetworkCollector, FixtureCountersForEveryColumn) {
  NetworkCollector collector{NetworkConfig{}};
  auto out = collect_once(collector);
  // veth1a2b3c is excluded by default; sorted by name.
  EXPECT_EQ(devices_of(out, "ainode_network_receive_bytes_total"),
            (std::vector<std::string>{"ens1f1", "eth0", "ib0", "lo"}));
  // eth0: 98765432109 87654321 12 34 0 1 0 5678 | 12345678901 23456789 2 3 0 0 0 0
  auto eth0 = [&](std::string_view name) { return out.value(name, {{"device", "eth0"}}); };
  EXPECT_EQ(eth0("ainode_network_receive_bytes_total"), 98765432109.0);
  EXPECT_EQ(eth0("ainode_network_receive_packets_total"), 87654321.0);
  EXPECT_EQ(eth0("ainode_network_receive_errors_total"), 12.0);
  EXPECT_EQ(eth0("ainode_network_receive_drop_total"), 34.0);
  EXPECT_EQ(eth0("ainode_network_receive_fifo_total"), 0.0);
  EXPECT_EQ(eth0("ainode_network_receive_frame_total"), 1.0);
  EXPECT_EQ(eth0("ainode_network_receive_compressed_total"), 0.0);
  EXPECT_EQ(eth0("ainode_network_receive_multicast_total"), 5678.0);
  EXPECT_EQ(eth0("ainode_network_transmit_bytes_total"), 12345678901.0);
  EXPECT_EQ(eth0("ainode_network_transmit_packets_total"), 23456789.0);
  EXPECT_EQ(eth0("ainode_network_transmit_errors_total"), 2.0);
  EXPECT_EQ(eth0("ainode_network_transmit_drop_total"), 3.0);
  EXPECT_EQ(eth0("ainode_network_transmit_fifo_total"), 0.0);
  EXPECT_EQ(eth0("ainode_network_transmit_colls_total"), 0.0);
  EXPECT_EQ(eth0("ainode_network_transmit_carrier_total"), 0.0);
  EXPECT_EQ(eth0("ainode_network_transmit_compressed_total"), 0.0);
  EXPECT_EQ(out.value("ainode_network_transmit_bytes_total", {{"device", "ib0"}}), 6000000000000.0);
}

TEST(NetworkCollector, FixtureLinkStateFromSysfs) {
  NetworkCollector collector{NetworkConfig{}};
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "eth0"}}), 1.0);
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "ens1f1"}}), 0.0);  // operstate down
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "lo"}}), 0.0);      // operstate unknown
  // 25 Gbit/s and 200 Gbit/s in bytes per second.
  EXPECT_EQ(out.value("ainode_network_speed_bytes", {{"device", "eth0"}}), 25000.0 * 125000);
  EXPECT_EQ(out.value("ainode_network_speed_bytes", {{"device", "ib0"}}), 200000.0 * 125000);
  EXPECT_FALSE(out.value("ainode_network_speed_bytes", {{"device", "lo"}})) << "no speed file: absent, not zero";
  EXPECT_FALSE(out.value("ainode_network_speed_bytes", {{"device", "ens1f1"}})) << "speed -1 (link down): absent";
  EXPECT_EQ(out.count("ainode_network_speed_bytes"), 2u);
  EXPECT_EQ(out.value("ainode_network_mtu_bytes", {{"device", "ib0"}}), 4092.0);
  EXPECT_EQ(out.value("ainode_network_mtu_bytes", {{"device", "eth0"}}), 9000.0);
  EXPECT_EQ(out.value("ainode_network_carrier_changes_total", {{"device", "eth0"}}), 3.0);
  EXPECT_EQ(out.value("ainode_network_info",
                      {{"device", "eth0"}, {"address", "0c:42:a1:00:00:01"}, {"operstate", "up"}, {"duplex", "full"}}),
            1.0);
  EXPECT_EQ(out.value("ainode_network_info", {{"device", "ens1f1"}, {"operstate", "down"}, {"duplex", "unknown"}}), 1.0);
  // ib0 has no duplex file: the label is empty rather than invented.
  EXPECT_EQ(out.value("ainode_network_info", {{"device", "ib0"}, {"duplex", ""}}), 1.0);
  EXPECT_EQ(out.count("ainode_network_info"), 4u);
  // Two default routes (ib0 metric 200, eth0 metric 100): eth0 wins.
  EXPECT_EQ(out.value("ainode_network_default_route_info", {{"device", "eth0"}}), 1.0);
  EXPECT_EQ(out.count("ainode_network_default_route_info"), 1u);
}

TEST(NetworkCollector, DeviceWithoutSysfsEntryHasCountersOnly) {
  NetworkConfig config;
  config.device_exclude = "";  // keep everything, veth included
  NetworkCollector collector{config};
  auto out = collect_once(collector);
  EXPECT_EQ(devices_of(out, "ainode_network_receive_bytes_total"),
            (std::vector<std::string>{"ens1f1", "eth0", "ib0", "lo", "veth1a2b3c"}));
  EXPECT_EQ(out.value("ainode_network_transmit_packets_total", {{"device", "veth1a2b3c"}}), 2.0);
  // Its sysfs directory is not in the fixture (another namespace's view).
  EXPECT_FALSE(out.value("ainode_network_up", {{"device", "veth1a2b3c"}}));
  EXPECT_FALSE(out.value("ainode_network_info", {{"device", "veth1a2b3c"}}));
}

TEST(NetworkCollector, ConfiguredExcludeAndInvalidPattern) {
  NetworkConfig config;
  config.device_exclude = "^(lo|veth.*)$";
  NetworkCollector collector{config};
  EXPECT_EQ(devices_of(collect_once(collector), "ainode_network_mtu_bytes"),
            (std::vector<std::string>{"ens1f1", "eth0", "ib0"}));

  config.device_exclude = "(veth";
  NetworkCollector broken{config};
  try {
    collect_once(broken);
    FAIL() << "collect accepted an invalid exclude pattern";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("network.device_exclude"), std::string::npos) << error.what();
  }
}

TEST(NetworkCollector, NoRouteTableOrNoDefaultRoute) {
  TempTree tree;
  tree.write("proc/net/dev", "Inter-|\n face |\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  tree.write("sys/class/net/eth0/operstate", "up\n");
  tree.write("sys/class/net/eth0/speed", "");  // read fails with EINVAL on real sysfs; empty here
  NetworkCollector collector{NetworkConfig{}};
  auto out = collect_once(collector, tree.fs());
  EXPECT_EQ(out.value("ainode_network_up", {{"device", "eth0"}}), 1.0);
  EXPECT_FALSE(out.value("ainode_network_speed_bytes", {{"device", "eth0"}}));
  EXPECT_FALSE(out.value("ainode_network_mtu_bytes", {{"device", "eth0"}}));
  EXPECT_EQ(out.count("ainode_network_default_route_info"), 0u);

  tree.write("proc/net/route", "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                               "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n");
  EXPECT_EQ(collect_once(collector, tree.fs()).count("ainode_network_default_route_info"), 0u);
}

TEST(NetworkCollector, MissingOrCorruptNetDevFailsTheCycle) {
  TempTree tree;
  NetworkCollector collector{NetworkConfig{}};
  EXPECT_THROW(collect_once(collector, tree.fs()), IoError);
  tree.write("proc/net/dev", "  eth0: 1 2 3\n");
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
}

TEST(NetstatCollector, FixtureCounters) {
  NetstatCollector collector;
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_tcp_retransmitted_segments_total"), 54321.0);
  EXPECT_EQ(out.value("ainode_tcp_current_established"), 42.0);
  EXPECT_EQ(out.value("ainode_tcp_active_opens_total"), 45678.0);
  EXPECT_EQ(out.value("ainode_tcp_passive_opens_total"), 12345.0);
  EXPECT_EQ(out.value("ainode_tcp_in_errors_total"), 7.0);
  EXPECT_EQ(out.value("ainode_tcp_out_resets_total"), 9876.0);
  EXPECT_EQ(out.value("ainode_tcp_in_segments_total"), 987654321.0);
  EXPECT_EQ(out.value("ainode_tcp_out_segments_total"), 876543210.0);
  EXPECT_EQ(out.value("ainode_tcp_timeouts_total"), 1717.0);
  EXPECT_EQ(out.value("ainode_tcp_listen_overflows_total"), 11.0);
  EXPECT_EQ(out.value("ainode_tcp_listen_drops_total"), 13.0);
  EXPECT_EQ(out.value("ainode_udp_in_errors_total"), 3.0);
  EXPECT_EQ(out.value("ainode_udp_receive_buffer_errors_total"), 2.0);
  EXPECT_EQ(out.metrics.families().size(), collector.describe().size());
}

TEST(NetstatCollector, WithoutNetstatTheTcpExtSeriesAreAbsent) {
  TempTree tree;
  tree.write("proc/net/snmp", "Tcp: CurrEstab RetransSegs\nTcp: 5 6\nUdp: InErrors\nUdp: 1\n");
  NetstatCollector collector;
  auto out = collect_once(collector, tree.fs());
  EXPECT_EQ(out.value("ainode_tcp_current_established"), 5.0);
  EXPECT_EQ(out.value("ainode_tcp_retransmitted_segments_total"), 6.0);
  EXPECT_EQ(out.value("ainode_udp_in_errors_total"), 1.0);
  // Names this kernel does not print: absent, not zero.
  EXPECT_FALSE(out.value("ainode_udp_receive_buffer_errors_total"));
  EXPECT_FALSE(out.value("ainode_tcp_active_opens_total"));
  EXPECT_FALSE(out.value("ainode_tcp_timeouts_total"));
  EXPECT_FALSE(out.value("ainode_tcp_listen_drops_total"));
}

TEST(NetstatCollector, MissingSnmpOrMispairedFilesFailTheCycle) {
  TempTree tree;
  NetstatCollector collector;
  EXPECT_THROW(collect_once(collector, tree.fs()), IoError);
  tree.write("proc/net/snmp", "Tcp: CurrEstab RetransSegs\nTcp: 5\n");
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
  tree.write("proc/net/snmp", "Tcp: CurrEstab\nTcp: 5\n");
  tree.write("proc/net/netstat", "TcpExt: TCPTimeouts ListenDrops\nTcpExt: 1\n");
  EXPECT_THROW(collect_once(collector, tree.fs()), ParseError);
}
