// Screen 4: interfaces, TCP, InfiniBand, disks, filesystems, hung mounts.
#include <map>
#include <set>

#include <fmt/format.h>

#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

std::vector<std::string> label_values(const MetricFrame& frame, std::string_view metric, const char* label) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* sample : samples_named(frame, metric)) {
    const std::string* value = sample->label(label);
    if (value && seen.insert(*value).second) out.push_back(*value);
  }
  return out;
}

void add_interfaces(Page& page, const AgentState& agent) {
  page.section("Interfaces");
  page.line().cell("DEVICE", 12, Tone::dim).cell("LINK", 6, Tone::dim).cell("SPEED", 10, Tone::dim, true);
  page.cell("RX", 11, Tone::dim, true).cell("TX", 11, Tone::dim, true).cell("ERR/s", 7, Tone::dim, true);
  page.cell("DROP/s", 8, Tone::dim, true);
  for (const auto& device : label_values(agent.metrics, "ainode_network_up", "device")) {
    LabelMatch match = {{"device", device}};
    auto up = sample_value(agent.metrics, "ainode_network_up", match);
    auto rate = [&](const char* name) { return counter_rate(agent.previous_metrics, agent.metrics, name, match); };
    auto errors = rate("ainode_network_receive_errors_total");
    auto tx_errors = rate("ainode_network_transmit_errors_total");
    if (errors && tx_errors) *errors += *tx_errors;
    auto drops = rate("ainode_network_receive_drop_total");
    auto tx_drops = rate("ainode_network_transmit_drop_total");
    if (drops && tx_drops) *drops += *tx_drops;
    auto speed = sample_value(agent.metrics, "ainode_network_speed_bytes", match);
    page.line().cell(device, 12, Tone::accent);
    page.cell(up == 1.0 ? "up" : "down", 6, up == 1.0 ? Tone::good : Tone::dim);
    page.cell(speed ? format_count(*speed * 8) + "b/s" : kAbsent, 10, Tone::normal, true);
    page.cell(format_byte_rate(rate("ainode_network_receive_bytes_total")), 11, Tone::normal, true);
    page.cell(format_byte_rate(rate("ainode_network_transmit_bytes_total")), 11, Tone::normal, true);
    page.cell(format_count(errors), 7, level_tone(errors, 0.01, 1), true);
    page.cell(format_count(drops), 8, level_tone(drops, 0.01, 100), true);
  }
  auto retransmits = counter_rate(agent.previous_metrics, agent.metrics, "ainode_tcp_retransmitted_segments_total");
  auto sent = counter_rate(agent.previous_metrics, agent.metrics, "ainode_tcp_out_segments_total");
  std::optional<double> ratio =
      retransmits && sent && *sent > 0 ? std::optional<double>(*retransmits / *sent) : std::nullopt;
  page.line().add("TCP retransmits ", Tone::dim).add(format_count(retransmits) + "/s", level_tone(ratio, 0.005, 0.02));
  page.add(" (" + (ratio ? fmt::format("{:.2f}%", *ratio * 100) : std::string(kAbsent)) + " of segments)",
           level_tone(ratio, 0.005, 0.02));
  page.add("  established ", Tone::dim).add(format_count(sample_value(agent.metrics, "ainode_tcp_current_established")));
}

void add_infiniband(Page& page, const AgentState& agent) {
  page.section("InfiniBand / RDMA ports");
  const auto& devices = array_at(agent.status.body, {"rdma"});
  if (devices.empty()) page.line().add("  no RDMA devices", Tone::dim);
  for (const auto& device : devices) {
    std::string name = text_at(device, {"device"});
    for (const auto& port : array_at(device, {"ports"})) {
      std::string number = text_at(port, {"port"});
      std::string state = text_at(port, {"state"});
      page.line().cell(name + "/" + number, 12, Tone::accent).cell(state, 7, state == "ACTIVE" ? Tone::good : Tone::dim);
      page.cell(text_at(port, {"link_layer"}), 11, Tone::dim).cell(text_at(port, {"rate"}), 20);
      LabelMatch match = {{"device", name}, {"port", number}};
      std::string errors;
      bool bad = false;
      for (const auto* sample : samples_named(agent.metrics, "ainode_infiniband_port_errors_total")) {
        const std::string* on_device = sample->label("device");
        const std::string* on_port = sample->label("port");
        if (!on_device || *on_device != name || !on_port || *on_port != number) continue;
        if (sample->value == 0) continue;
        const std::string* counter = sample->label("counter");
        errors += (counter ? *counter : "?") + " " + format_count(sample->value) + " ";
        bad = true;
      }
      page.add(errors.empty() ? "no errors" : errors, bad ? Tone::bad : Tone::good);
    }
  }
}

void add_disks(Page& page, const AgentState& agent) {
  page.section("Disks");
  page.line().cell("DEVICE", 12, Tone::dim).cell("READ", 11, Tone::dim, true).cell("WRITE", 11, Tone::dim, true);
  page.cell("BUSY", 6, Tone::dim, true);
  for (const auto& device : label_values(agent.metrics, "ainode_disk_io_time_seconds_total", "device")) {
    LabelMatch match = {{"device", device}};
    auto rate = [&](const char* name) { return counter_rate(agent.previous_metrics, agent.metrics, name, match); };
    auto busy = rate("ainode_disk_io_time_seconds_total");
    page.line().cell(device, 12, Tone::accent);
    page.cell(format_byte_rate(rate("ainode_disk_read_bytes_total")), 11, Tone::normal, true);
    page.cell(format_byte_rate(rate("ainode_disk_written_bytes_total")), 11, Tone::normal, true);
    page.cell(format_percent(busy), 6, level_tone(busy, 0.7, 0.9), true);
  }
}

void add_filesystems(Page& page, const AgentState& agent) {
  page.section("Filesystems");
  for (const auto* sample : samples_named(agent.metrics, "ainode_filesystem_size_bytes")) {
    const std::string* mountpoint = sample->label("mountpoint");
    if (!mountpoint) continue;
    LabelMatch match = {{"mountpoint", *mountpoint}};
    auto avail = sample_value(agent.metrics, "ainode_filesystem_avail_bytes", match);
    std::optional<double> used =
        avail && sample->value > 0 ? std::optional<double>(1 - *avail / sample->value) : std::nullopt;
    page.line().cell(*mountpoint, 18, Tone::accent).add(" ");
    const std::string* fstype = sample->label("fstype");
    page.cell(fstype ? *fstype : "", 6, Tone::dim).add(" ");
    page.cell(format_bytes(sample->value), 6, Tone::normal, true).add(" ");
    page.cell(format_percent(used), 5, level_tone(used, 0.85, 0.95), true);
    if (sample_value(agent.metrics, "ainode_filesystem_readonly", match) == 1.0) page.add(" read-only", Tone::warn);
    if (sample_value(agent.metrics, "ainode_filesystem_device_error", match) == 1.0) page.add(" DEVICE ERROR", Tone::bad);
  }
  auto hung = number_at(agent.status.body, {"hung_statfs_calls"});
  page.line().add("statfs calls hanging now: ", Tone::dim).add(format_count(hung), hung.value_or(0) > 0 ? Tone::bad : Tone::good);
  for (const auto& error : array_at(agent.status.body, {"mount_errors"})) {
    page.line().add("  " + (error.is_string() ? error.get<std::string>() : error.dump()), Tone::bad);
  }
}

}  // namespace

Page render_network(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  if (!context.agent.metrics_ok) page.line().add("waiting for /metrics (rates need two refreshes)", Tone::dim);
  add_interfaces(page, context.agent);
  add_infiniband(page, context.agent);
  add_disks(page, context.agent);
  add_filesystems(page, context.agent);
  return page;
}

}  // namespace ainode::tui
