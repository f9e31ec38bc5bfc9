#include "collectors/network/network_collector.hpp"

#include <algorithm>

#include "collectors/network/netdev_parser.hpp"
#include "collectors/network/route_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {

const std::vector<std::string_view> kDevice = {"device"};

// One descriptor per /proc/net/dev column, in column order.
#define AINODE_NETDEV(direction, field, help)                                                                      \
  MetricDesc {                                                                                                     \
    "ainode_network_" direction "_" field "_total", MetricType::counter, "", help, kDevice                          \
  }
const MetricDesc kReceive[8] = {
    {"ainode_network_receive_bytes_total", MetricType::counter, "bytes", "Bytes received.", kDevice},
    AINODE_NETDEV("receive", "packets", "Packets received."),
    AINODE_NETDEV("receive", "errors", "Receive errors."),
    AINODE_NETDEV("receive", "drop", "Received packets dropped."),
    AINODE_NETDEV("receive", "fifo", "Receive FIFO overruns."),
    AINODE_NETDEV("receive", "frame", "Receive framing errors."),
    AINODE_NETDEV("receive", "compressed", "Compressed packets received."),
    AINODE_NETDEV("receive", "multicast", "Multicast packets received."),
};
const MetricDesc kTransmit[8] = {
    {"ainode_network_transmit_bytes_total", MetricType::counter, "bytes", "Bytes transmitted.", kDevice},
    AINODE_NETDEV("transmit", "packets", "Packets transmitted."),
    AINODE_NETDEV("transmit", "errors", "Transmit errors."),
    AINODE_NETDEV("transmit", "drop", "Transmit packets dropped."),
    AINODE_NETDEV("transmit", "fifo", "Transmit FIFO errors."),
    AINODE_NETDEV("transmit", "colls", "Collisions."),
    AINODE_NETDEV("transmit", "carrier", "Carrier losses."),
    AINODE_NETDEV("transmit", "compressed", "Compressed packets transmitted."),
};
#undef AINODE_NETDEV

const MetricDesc kUp{"ainode_network_up", MetricType::gauge, "", "1 if operstate is up, else 0.", kDevice};
const MetricDesc kSpeed{"ainode_network_speed_bytes", MetricType::gauge, "bytes",
                        "Link speed in bytes per second; absent when the link is down or the device has none.", kDevice};
const MetricDesc kMtu{"ainode_network_mtu_bytes", MetricType::gauge, "bytes", "MTU.", kDevice};
const MetricDesc kCarrierChanges{"ainode_network_carrier_changes_total", MetricType::counter, "",
                                 "Link up/down transitions.", kDevice};
const MetricDesc kInfo{"ainode_network_info", MetricType::gauge, "", "Interface identity; value is always 1.",
                       {"device", "address", "operstate", "duplex"}};
const MetricDesc kDefaultRoute{"ainode_network_default_route_info", MetricType::gauge, "",
                               "The interface of the default route; value is always 1.", kDevice};

constexpr double kBytesPerMegabit = 125000.0;

}  // namespace

std::vector<const MetricDesc*> NetworkCollector::describe() const {
  std::vector<const MetricDesc*> out;
  for (const auto& d : kReceive) out.push_back(&d);
  for (const auto& d : kTransmit) out.push_back(&d);
  for (const MetricDesc* d : {&kUp, &kSpeed, &kMtu, &kCarrierChanges, &kInfo, &kDefaultRoute}) out.push_back(d);
  return out;
}

void NetworkCollector::collect(CollectContext& context, MetricSet& out) {
  device_exclude_.require_valid();
  std::vector<NetDevStats> devices;
  for (auto& d : parse_net_dev(HostFs::read(context.fs.proc("net/dev")))) {
    if (!device_exclude_.excludes(d.device)) devices.push_back(std::move(d));
  }
  std::sort(devices.begin(), devices.end(),
            [](const NetDevStats& a, const NetDevStats& b) { return a.device < b.device; });
  for (std::size_t i = 0; i < 8; ++i) {
    for (const auto& d : devices) out.add(kReceive[i], {d.device}, static_cast<double>(d.receive[i]));
  }
  for (std::size_t i = 0; i < 8; ++i) {
    for (const auto& d : devices) out.add(kTransmit[i], {d.device}, static_cast<double>(d.transmit[i]));
  }

  struct Link {
    std::string device, operstate, address, duplex;
    std::optional<std::int64_t> speed, mtu, carrier_changes;
  };
  std::vector<Link> links;
  for (const auto& d : devices) {
    auto dir = context.fs.sys("class/net/" + d.device);
    auto line = [&](const char* file) { return std::string(text::trim(HostFs::try_read_line(dir / file).value_or(""))); };
    Link link{d.device, line("operstate"), line("address"), line("duplex"), HostFs::try_read_int(dir / "speed"),
              HostFs::try_read_int(dir / "mtu"), HostFs::try_read_int(dir / "carrier_changes")};
    if (link.operstate.empty() && !link.mtu) continue;  // not in sysfs (another namespace's view)
    links.push_back(std::move(link));
  }
  for (const auto& l : links) {
    if (!l.operstate.empty()) out.add(kUp, {l.device}, l.operstate == "up" ? 1 : 0);
  }
  for (const auto& l : links) {
    // speed fails with EINVAL (virtual devices) or reads -1 (SPEED_UNKNOWN:
    // link down, or the driver cannot tell); 0 is no speed either.
    if (l.speed && *l.speed > 0) out.add(kSpeed, {l.device}, static_cast<double>(*l.speed) * kBytesPerMegabit);
  }
  for (const auto& l : links) {
    if (l.mtu) out.add(kMtu, {l.device}, static_cast<double>(*l.mtu));
  }
  for (const auto& l : links) {
    if (l.carrier_changes) out.add(kCarrierChanges, {l.device}, static_cast<double>(*l.carrier_changes));
  }
  for (const auto& l : links) out.add(kInfo, {l.device, l.address, l.operstate, l.duplex}, 1);

  if (auto route = HostFs::try_read(context.fs.proc("net/route"))) {
    if (auto device = default_route_interface(*route)) out.add(kDefaultRoute, {*device}, 1);
  }
}

}  // namespace ainode
