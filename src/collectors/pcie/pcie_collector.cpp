#include "collectors/pcie/pcie_collector.hpp"

#include "collectors/pcie/pcie_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kDevice = {"address", "kind"};
const MetricDesc kInfo{"ainode_pcie_device_info", MetricType::gauge, "",
                       "A GPU, NIC or accelerator on PCIe; value is always 1.",
                       {"address", "kind", "class", "vendor", "device", "driver", "numa_node"}};
const MetricDesc kSpeed{"ainode_pcie_link_speed_transfers_per_second", MetricType::gauge, "",
                        "Current link speed in transfers per second (16e9 = Gen4). Idle devices may lower it to save "
                        "power; compare the width for a link that trained down.",
                        kDevice};
const MetricDesc kMaxSpeed{"ainode_pcie_link_max_speed_transfers_per_second", MetricType::gauge, "",
                           "Highest speed the link supports, in transfers per second.", kDevice};
const MetricDesc kWidth{"ainode_pcie_link_width", MetricType::gauge, "", "Current link width in lanes.", kDevice};
const MetricDesc kMaxWidth{"ainode_pcie_link_max_width", MetricType::gauge, "", "Highest link width in lanes.", kDevice};
const MetricDesc kWidthDegraded{"ainode_pcie_link_width_degraded", MetricType::gauge, "",
                                "1 if the link runs with fewer lanes than it supports (trained down), else 0.", kDevice};
const MetricDesc kNumaNode{"ainode_pcie_device_numa_node", MetricType::gauge, "",
                           "NUMA node the device is attached to (absent when the platform does not say).", kDevice};
}  // namespace

std::vector<const MetricDesc*> PcieCollector::describe() const {
  return {&kInfo, &kSpeed, &kMaxSpeed, &kWidth, &kMaxWidth, &kWidthDegraded, &kNumaNode};
}

void PcieCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("bus/pci/devices");
  struct Device {
    std::string address, kind;
    std::optional<double> speed, max_speed;
    std::optional<std::int64_t> width, max_width, numa;
  };
  std::vector<Device> devices;
  auto line = [](const std::filesystem::path& p) { return std::string(text::trim(HostFs::try_read_line(p).value_or(""))); };
  for (const auto& address : HostFs::list(base)) {
    auto dir = base / address;
    std::string class_code = line(dir / "class");
    std::string kind(pcie_device_kind(class_code));
    if (kind.empty()) continue;
    Device d{address, kind, parse_pcie_speed(line(dir / "current_link_speed")),
             parse_pcie_speed(line(dir / "max_link_speed")), HostFs::try_read_int(dir / "current_link_width"),
             HostFs::try_read_int(dir / "max_link_width"), HostFs::try_read_int(dir / "numa_node")};
    if (d.numa && *d.numa < 0) d.numa.reset();  // -1: the platform does not say
    std::string driver;
    if (auto target = HostFs::link_target(dir / "driver")) driver = target->substr(target->rfind('/') + 1);
    out.add(kInfo, {address, kind, class_code, line(dir / "vendor"), line(dir / "device"), driver,
                    d.numa ? std::to_string(*d.numa) : ""},
            1);
    devices.push_back(std::move(d));
  }
  for (const auto& d : devices) {
    if (d.speed) out.add(kSpeed, {d.address, d.kind}, *d.speed);
  }
  for (const auto& d : devices) {
    if (d.max_speed) out.add(kMaxSpeed, {d.address, d.kind}, *d.max_speed);
  }
  for (const auto& d : devices) {
    if (d.width && *d.width > 0) out.add(kWidth, {d.address, d.kind}, static_cast<double>(*d.width));
  }
  for (const auto& d : devices) {
    if (d.max_width && *d.max_width > 0) out.add(kMaxWidth, {d.address, d.kind}, static_cast<double>(*d.max_width));
  }
  for (const auto& d : devices) {
    if (d.width && d.max_width && *d.width > 0 && *d.max_width > 0) {
      out.add(kWidthDegraded, {d.address, d.kind}, *d.width < *d.max_width ? 1 : 0);
    }
  }
  for (const auto& d : devices) {
    if (d.numa) out.add(kNumaNode, {d.address, d.kind}, static_cast<double>(*d.numa));
  }
}

}  // namespace ainode
