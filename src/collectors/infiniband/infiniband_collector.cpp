#include "collectors/infiniband/infiniband_collector.hpp"

#include <nlohmann/json.hpp>

#include "collectors/infiniband/infiniband_parser.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {
const std::vector<std::string_view> kPort = {"device", "port"};
const MetricDesc kInfo{"ainode_infiniband_port_info", MetricType::gauge, "", "Port identity and state; value is always 1.",
                       {"device", "port", "state", "physical_state", "link_layer", "rate"}};
const MetricDesc kState{"ainode_infiniband_port_state", MetricType::gauge, "",
                        "Port state code (1 down, 2 init, 3 armed, 4 active, 5 active defer).", kPort};
const MetricDesc kPhysicalState{"ainode_infiniband_port_physical_state", MetricType::gauge, "",
                                "Physical state code (5 LinkUp; 3 Disabled; 2 Polling; ...).", kPort};
const MetricDesc kRate{"ainode_infiniband_port_rate_bytes", MetricType::gauge, "bytes", "Link rate in bytes per second.",
                       kPort};
const MetricDesc kReceived{"ainode_infiniband_port_data_received_bytes_total", MetricType::counter, "bytes",
                           "Data received (port_rcv_data words x 4).", kPort};
const MetricDesc kTransmitted{"ainode_infiniband_port_data_transmitted_bytes_total", MetricType::counter, "bytes",
                              "Data transmitted (port_xmit_data words x 4).", kPort};
const MetricDesc kPacketsReceived{"ainode_infiniband_port_packets_received_total", MetricType::counter, "",
                                  "Packets received.", kPort};
const MetricDesc kPacketsTransmitted{"ainode_infiniband_port_packets_transmitted_total", MetricType::counter, "",
                                     "Packets transmitted.", kPort};
const MetricDesc kTransmitWait{"ainode_infiniband_port_transmit_wait_total", MetricType::counter, "",
                               "Ticks the port had data to send but no credits (port_xmit_wait): congestion.", kPort};
const MetricDesc kErrors{"ainode_infiniband_port_errors_total", MetricType::counter, "",
                         "Port error counters (symbol_error, link_downed, link_error_recovery, port_rcv_errors, "
                         "port_xmit_discards, ...).",
                         {"device", "port", "counter"}};
const MetricDesc kHwCounters{"ainode_infiniband_port_hw_events_total", MetricType::counter, "",
                             "Driver-specific hw_counters (names sanitized).", {"device", "port", "counter"}};
const MetricDesc kDeviceInfo{"ainode_infiniband_device_info", MetricType::gauge, "",
                             "RDMA device identity; value is always 1.", {"device", "hca_type", "firmware", "board_id"}};

constexpr double kBytesPerWord = 4.0;
constexpr const char* kErrorCounters[] = {
    "symbol_error",        "link_downed",          "link_error_recovery",         "port_rcv_errors",
    "port_rcv_remote_physical_errors", "port_rcv_switch_relay_errors", "port_xmit_discards",
    "port_xmit_constraint_errors", "port_rcv_constraint_errors", "local_link_integrity_errors",
    "excessive_buffer_overrun_errors", "VL15_dropped"};
}  // namespace

std::vector<const MetricDesc*> InfinibandCollector::describe() const {
  return {&kInfo,   &kState,           &kPhysicalState, &kRate,        &kReceived, &kTransmitted,
          &kPacketsReceived, &kPacketsTransmitted, &kTransmitWait, &kErrors, &kHwCounters, &kDeviceInfo};
}

void InfinibandCollector::collect(CollectContext& context, MetricSet& out) {
  auto base = context.fs.sys("class/infiniband");
  auto line = [](const std::filesystem::path& p) { return std::string(text::trim(HostFs::try_read_line(p).value_or(""))); };
  auto counter = [](const std::filesystem::path& p) -> std::optional<std::uint64_t> {
    auto text = HostFs::try_read_line(p);
    return text ? parse_ib_counter(*text) : std::nullopt;
  };
  nlohmann::json devices = nlohmann::json::array();
  MetricSet ports;  // port families after the device info, in catalogue order
  for (const auto& device : HostFs::list(base)) {
    auto dir = base / device;
    std::string hca = line(dir / "hca_type"), firmware = line(dir / "fw_ver"), board = line(dir / "board_id");
    out.add(kDeviceInfo, {device, hca, firmware, board}, 1);
    nlohmann::json device_json{{"device", device}, {"hca_type", hca}, {"firmware", firmware}, {"ports", nlohmann::json::array()}};
    for (const auto& port : HostFs::list(dir / "ports")) {
      auto port_dir = dir / "ports" / port;
      auto state = parse_ib_state(line(port_dir / "state"));
      auto physical = parse_ib_state(line(port_dir / "phys_state"));
      std::string rate_text = line(port_dir / "rate");
      std::string link_layer = line(port_dir / "link_layer");
      ports.add(kInfo, {device, port, state ? state->name : "", physical ? physical->name : "", link_layer, rate_text}, 1);
      if (state) ports.add(kState, {device, port}, state->code);
      if (physical) ports.add(kPhysicalState, {device, port}, physical->code);
      auto rate = parse_ib_rate_bytes(rate_text);
      if (rate) ports.add(kRate, {device, port}, *rate);
      auto counters = port_dir / "counters";
      auto add = [&](const MetricDesc& desc, const char* file, double scale) {
        if (auto v = counter(counters / file)) ports.add(desc, {device, port}, static_cast<double>(*v) * scale);
      };
      add(kReceived, "port_rcv_data", kBytesPerWord);
      add(kTransmitted, "port_xmit_data", kBytesPerWord);
      add(kPacketsReceived, "port_rcv_packets", 1);
      add(kPacketsTransmitted, "port_xmit_packets", 1);
      add(kTransmitWait, "port_xmit_wait", 1);
      for (const char* name : kErrorCounters) {
        if (auto v = counter(counters / name)) ports.add(kErrors, {device, port, name}, static_cast<double>(*v));
      }
      for (const auto& name : HostFs::list(port_dir / "hw_counters")) {
        if (auto v = counter(port_dir / "hw_counters" / name)) {
          ports.add(kHwCounters, {device, port, sanitize_counter_name(name)}, static_cast<double>(*v));
        }
      }
      device_json["ports"].push_back(nlohmann::json{{"port", port},
                                                    {"state", state ? state->name : ""},
                                                    {"physical_state", physical ? physical->name : ""},
                                                    {"link_layer", link_layer},
                                                    {"rate", rate_text},
                                                    {"rate_bytes_per_second", rate ? nlohmann::json(*rate) : nlohmann::json(nullptr)}});
    }
    devices.push_back(std::move(device_json));
  }
  for (auto& family : ports.families()) out.families().push_back(std::move(family));
  context.set_details(nlohmann::json{{"rdma", devices}});
}

}  // namespace ainode
