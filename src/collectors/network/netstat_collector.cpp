#include "collectors/network/netstat_collector.hpp"

#include "collectors/network/protocol_counters_parser.hpp"

namespace ainode {

namespace {

struct ProtocolMetric {
  MetricDesc desc;
  const char* file;      // "snmp" or "netstat"
  const char* protocol;  // line prefix
  const char* field;
};

const ProtocolMetric kProtocolMetrics[] = {
    {{"ainode_tcp_retransmitted_segments_total", MetricType::counter, "", "TCP segments retransmitted (RetransSegs)."},
     "snmp", "Tcp", "RetransSegs"},
    {{"ainode_tcp_current_established", MetricType::gauge, "", "TCP connections in ESTABLISHED or CLOSE-WAIT (CurrEstab)."},
     "snmp", "Tcp", "CurrEstab"},
    {{"ainode_tcp_active_opens_total", MetricType::counter, "", "TCP connections opened by this node (ActiveOpens)."},
     "snmp", "Tcp", "ActiveOpens"},
    {{"ainode_tcp_passive_opens_total", MetricType::counter, "", "TCP connections accepted (PassiveOpens)."},
     "snmp", "Tcp", "PassiveOpens"},
    {{"ainode_tcp_in_errors_total", MetricType::counter, "", "TCP segments received in error (InErrs)."},
     "snmp", "Tcp", "InErrs"},
    {{"ainode_tcp_out_resets_total", MetricType::counter, "", "TCP resets sent (OutRsts)."}, "snmp", "Tcp", "OutRsts"},
    {{"ainode_tcp_in_segments_total", MetricType::counter, "", "TCP segments received (InSegs)."}, "snmp", "Tcp", "InSegs"},
    {{"ainode_tcp_out_segments_total", MetricType::counter, "", "TCP segments sent (OutSegs)."}, "snmp", "Tcp", "OutSegs"},
    {{"ainode_tcp_timeouts_total", MetricType::counter, "", "TCP retransmission timeouts (TcpExt TCPTimeouts)."},
     "netstat", "TcpExt", "TCPTimeouts"},
    {{"ainode_tcp_listen_overflows_total", MetricType::counter, "", "Accept queue overflows (TcpExt ListenOverflows)."},
     "netstat", "TcpExt", "ListenOverflows"},
    {{"ainode_tcp_listen_drops_total", MetricType::counter, "", "SYNs dropped at listen sockets (TcpExt ListenDrops)."},
     "netstat", "TcpExt", "ListenDrops"},
    {{"ainode_udp_in_errors_total", MetricType::counter, "", "UDP datagrams received in error (InErrors)."},
     "snmp", "Udp", "InErrors"},
    {{"ainode_udp_receive_buffer_errors_total", MetricType::counter, "",
      "UDP datagrams dropped for a full receive buffer (RcvbufErrors)."},
     "snmp", "Udp", "RcvbufErrors"},
};

}  // namespace

std::vector<const MetricDesc*> NetstatCollector::describe() const {
  std::vector<const MetricDesc*> out;
  for (const auto& m : kProtocolMetrics) out.push_back(&m.desc);
  return out;
}

void NetstatCollector::collect(CollectContext& context, MetricSet& out) {
  ProtocolCounters snmp = parse_protocol_counters(HostFs::read(context.fs.proc("net/snmp")));
  ProtocolCounters netstat;
  if (auto text = HostFs::try_read(context.fs.proc("net/netstat"))) netstat = parse_protocol_counters(*text);
  for (const auto& m : kProtocolMetrics) {
    const ProtocolCounters& source = std::string_view(m.file) == "snmp" ? snmp : netstat;
    auto protocol = source.find(m.protocol);
    if (protocol == source.end()) continue;
    auto value = protocol->second.find(m.field);
    if (value != protocol->second.end()) out.add(m.desc, static_cast<double>(value->second));
  }
}

}  // namespace ainode
