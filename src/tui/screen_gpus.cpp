// Screen 2: every GPU with bars and sparklines; Enter opens one in detail.
#include <fmt/format.h>

#include "tui/gauges.hpp"
#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

// Temperature trends on a fixed 20..100 C scale: a one-degree wobble must
// not draw as a full-height spike.
constexpr double kTemperatureLow = 20, kTemperatureHigh = 100;

// The SM clock trend's top: the highest SM clock any GPU of the node ran at
// in the window (its boost clock, in practice), so a throttled GPU's flat
// 400 MHz line sits low instead of filling the cell.
std::optional<double> highest_sm_clock(const AgentState& agent) {
  std::optional<double> highest;
  for (const auto& gpu : gpu_list(agent)) {
    auto index = number_at(gpu, {"index"});
    if (!index) continue;
    for (const auto& point : history_series(agent, static_cast<unsigned>(*index), "sm_clock_hertz")) {
      if (point && (!highest || *point > *highest)) highest = point;
    }
  }
  return highest;
}

std::optional<double> ratio_of(std::optional<double> part, std::optional<double> whole) {
  if (!part || !whole || *whole <= 0) return std::nullopt;
  return *part / *whole;
}

// "util ████▌     94% ▁▂▃▅▇█": a label, a bar, the value and its trend.
void add_gauge(Page& page, const char* label, std::optional<double> ratio, const std::string& value,
               const std::vector<std::optional<double>>& trend, std::size_t bar_width, std::size_t spark_width, bool u,
               Tone tone, std::optional<double> low = std::nullopt, std::optional<double> high = std::nullopt) {
  page.cell(label, 5, Tone::dim).add(" ");
  page.add(bar(ratio, bar_width, u), tone).add(" ");
  page.cell(value, 12, Tone::normal, true).add(" ");
  page.add(sparkline(trend, spark_width, u, low, high), Tone::accent).add("  ");
}

std::string links_text(const nlohmann::json& gpu, Tone& tone) {
  std::string text;
  auto width = number_at(gpu, {"pcie", "width"});
  auto width_max = number_at(gpu, {"pcie", "width_max"});
  auto generation = number_at(gpu, {"pcie", "generation"});
  auto generation_max = number_at(gpu, {"pcie", "generation_max"});
  tone = Tone::normal;
  if (width) {
    text = fmt::format("PCIe gen{} x{}", generation.value_or(0), *width);
    if ((width_max && *width < *width_max) || (generation && generation_max && *generation < *generation_max)) {
      text += fmt::format(" (of gen{} x{}: TRAINED DOWN)", generation_max.value_or(0), width_max.value_or(0));
      tone = Tone::bad;
    }
  }
  const auto& links = array_at(gpu, {"nvlinks"});
  if (!links.empty()) {
    std::size_t up = 0;
    double errors = 0;
    for (const auto& link : links) {
      up += flag_at(link, {"up"}) == true ? 1 : 0;
      if (const auto* counters = json_at(link, {"errors"}); counters && counters->is_object()) {
        for (const auto& [name, count] : counters->items()) errors += count.is_number() ? count.get<double>() : 0;
      }
    }
    text += fmt::format("  NVLink {}/{} up, {} errors", up, links.size(), format_count(errors));
    if (up < links.size() || errors > 0) tone = Tone::bad;
  }
  return text;
}

std::string ecc_text(const nlohmann::json& gpu, Tone& tone) {
  tone = Tone::normal;
  const auto* ecc = json_at(gpu, {"health", "ecc_errors"});
  std::string text;
  if (ecc && ecc->is_object()) {
    auto corrected = number_at(*ecc, {"corrected_aggregate"});
    auto uncorrected = number_at(*ecc, {"uncorrected_aggregate"});
    text = fmt::format("ECC corr {} uncorr {}", format_count(corrected), format_count(uncorrected));
    if (uncorrected.value_or(0) > 0) tone = Tone::bad;
  }
  if (flag_at(gpu, {"health", "remapped_rows_pending"}) == true) {
    text += "  row remap PENDING (reset)";
    tone = Tone::bad;
  }
  if (flag_at(gpu, {"health", "remapped_rows_failure"}) == true) {
    text += "  row remap FAILED";
    tone = Tone::bad;
  }
  auto xid = number_at(gpu, {"health", "last_xid"});
  if (xid) {
    text += fmt::format("  last XID {}", *xid);
    tone = Tone::bad;
  }
  return text;
}

void add_mig_tree(Page& page, const nlohmann::json& gpu, bool u) {
  if (flag_at(gpu, {"mig", "enabled"}) != true) return;
  const auto& instances = array_at(gpu, {"mig", "instances"});
  page.line().add(fmt::format("     MIG on, {} GPU instances{}", instances.size(),
                              flag_at(gpu, {"mig", "pending"}) == true ? " (mode change pending reset)" : ""),
                  Tone::dim);
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const auto& instance = instances[i];
    bool last = i + 1 == instances.size();
    page.line().add(std::string("     ") + (u ? (last ? "└─" : "├─") : (last ? "`-" : "|-")), Tone::dim);
    page.add(fmt::format(" GI {} {}", number_at(instance, {"gpu_instance"}).value_or(0), text_at(instance, {"profile"})));
    for (const auto& compute : array_at(instance, {"compute_instances"})) {
      auto used = number_at(compute, {"memory_used_bytes"});
      auto total = number_at(compute, {"memory_total_bytes"});
      page.add(fmt::format("  CI {} {} SMs {}/{}", number_at(compute, {"compute_instance"}).value_or(0),
                           format_count(number_at(compute, {"sm_count"})), format_bytes(used), format_bytes(total)),
               Tone::dim);
      std::string pod = text_at(compute, {"kubernetes", "pod"});
      if (!pod.empty()) page.add("  " + text_at(compute, {"kubernetes", "namespace"}) + "/" + pod, Tone::accent);
    }
  }
}

}  // namespace

Page render_gpus(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  bool u = context.unicode;
  const auto& gpus = gpu_list(context.agent);
  if (gpus.empty()) {
    add_gpu_table(page, context, true);
    return page;
  }
  // Two gauges per line at 80 columns: 6 + bar + 1 + 12 + 1 + spark + 2 each.
  std::size_t per_gauge = context.width / 2;
  std::size_t bar_width = per_gauge >= 60 ? 16 : 6;
  std::size_t spark_width = per_gauge > 22 + bar_width ? std::min<std::size_t>(per_gauge - 22 - bar_width, 60) : 0;
  std::size_t row = 0;
  for (const auto& gpu : gpus) {
    bool selected = row++ == context.view.selected;
    auto index_value = number_at(gpu, {"index"});
    std::optional<unsigned> index;
    if (index_value) index = static_cast<unsigned>(*index_value);
    page.line();
    if (selected) page.focus();
    page.add(fmt::format("{}GPU {} ", selected ? ">" : " ", index ? std::to_string(*index) : "?"),
             selected ? Tone::selected : Tone::heading);
    page.add(short_gpu_name(text_at(gpu, {"name"})) + " ");
    page.add(text_at(gpu, {"pci_bus_id"}) + " ", Tone::dim);
    std::string pod = text_at(gpu, {"kubernetes", "pod"});
    if (!pod.empty()) page.add(text_at(gpu, {"kubernetes", "namespace"}) + "/" + pod + " ", Tone::accent);
    for (const auto& flag : throttle_flags(gpu)) page.add(flag.text + " ", flag.tone);
    if (auto risk = risk_flag(gpu)) page.add("risk " + risk->text, risk->tone);

    auto utilization = number_at(gpu, {"utilization_ratio"});
    auto used = number_at(gpu, {"memory", "used_bytes"});
    auto total = number_at(gpu, {"memory", "total_bytes"});
    page.line();
    add_gauge(page, " util", utilization, format_percent(utilization), history_series(context.agent, index, "utilization"),
              bar_width, spark_width, u, Tone::good, 0.0, 1.0);
    add_gauge(page, "mem", ratio_of(used, total), format_bytes(used) + "/" + format_bytes(total),
              history_series(context.agent, index, "memory_used_bytes"), bar_width, spark_width, u,
              level_tone(ratio_of(used, total), 0.9, 0.97), 0.0, total);
    auto watts = number_at(gpu, {"power_watts"});
    auto limit = number_at(gpu, {"power_limits_watts", "enforced"});
    auto temperature = number_at(gpu, {"temperature_celsius"});
    page.line();
    add_gauge(page, " pwr", ratio_of(watts, limit), format_watts(watts) + "/" + format_watts(limit),
              history_series(context.agent, index, "power_watts"), bar_width, spark_width, u, Tone::accent, 0.0, limit);
    // Temperature against 100 C: the slowdown thresholds of data-centre GPUs sit at 85..95 C.
    add_gauge(page, "temp", temperature ? std::optional<double>(*temperature / 100) : std::nullopt,
              format_celsius(temperature) + " " + format_hertz(number_at(gpu, {"clocks_hertz", "sm"})),
              history_series(context.agent, index, "temperature_celsius"), bar_width, spark_width, u,
              level_tone(temperature, 80, 87), kTemperatureLow, kTemperatureHigh);
    Tone link_tone = Tone::normal, ecc_tone = Tone::normal;
    std::string links = links_text(gpu, link_tone);
    std::string ecc = ecc_text(gpu, ecc_tone);
    page.line().add("     ").add(links, link_tone == Tone::bad ? Tone::bad : Tone::dim).add("  ");
    page.add(ecc, ecc_tone == Tone::bad ? Tone::bad : Tone::dim);
    add_mig_tree(page, gpu, u);
  }
  return page;
}

Page render_gpu_detail(const ScreenContext& context, unsigned index) {
  Page page(context.width, context.unicode);
  bool u = context.unicode;
  const nlohmann::json* found = find_gpu_json(context.agent, index);
  if (!found) {
    page.line().add(fmt::format("GPU {} is not reported any more (Esc: back)", index), Tone::bad);
    return page;
  }
  const nlohmann::json& gpu = *found;
  page.section(fmt::format("GPU {}: {} (Esc: back)", index, text_at(gpu, {"name"})));
  page.line().add("uuid ", Tone::dim).add(text_at(gpu, {"uuid"})).add("  serial ", Tone::dim).add(text_at(gpu, {"serial"}));
  page.line().add("pci ", Tone::dim).add(text_at(gpu, {"pci_bus_id"})).add("  vbios ", Tone::dim).add(text_at(gpu, {"vbios"}));
  page.add("  numa ", Tone::dim).add(format_count(number_at(gpu, {"numa_node"})));
  page.add("  pstate ", Tone::dim).add(format_count(number_at(gpu, {"health", "pstate"})));
  std::string pod = text_at(gpu, {"kubernetes", "pod"});
  if (!pod.empty()) {
    page.line().add("pod ", Tone::dim).add(text_at(gpu, {"kubernetes", "namespace"}) + "/" + pod + "/" +
                                             text_at(gpu, {"kubernetes", "container"}), Tone::accent);
  }
  page.line().add("flags ", Tone::dim);
  auto flags = throttle_flags(gpu);
  if (flags.empty()) page.add("none", Tone::good);
  for (const auto& flag : flags) page.add(flag.text + " ", flag.tone);
  if (auto risk = risk_flag(gpu)) {
    page.add("  risk ", Tone::dim).add(risk->text, risk->tone);
    for (const auto& reason : array_at(gpu, {"risk", "reasons"})) {
      page.line().add("   " + text_at(reason, {"reason"}) + ": " + text_at(reason, {"detail"}), Tone::dim);
    }
  }

  page.section("Last cycles");
  std::size_t spark = context.width > 32 ? context.width - 32 : 0;
  struct Trend {
    const char* label;
    const char* key;
    std::string now;
    std::optional<double> low, high;
  };
  std::vector<Trend> trends = {
      {"utilization", "utilization", format_percent(number_at(gpu, {"utilization_ratio"})), 0.0, 1.0},
      {"memory used", "memory_used_bytes", format_bytes(number_at(gpu, {"memory", "used_bytes"})), 0.0,
       number_at(gpu, {"memory", "total_bytes"})},
      {"power", "power_watts", format_watts(number_at(gpu, {"power_watts"})), 0.0,
       number_at(gpu, {"power_limits_watts", "enforced"})},
      {"temperature", "temperature_celsius", format_celsius(number_at(gpu, {"temperature_celsius"})), kTemperatureLow,
       kTemperatureHigh},
      {"SM clock", "sm_clock_hertz", format_hertz(number_at(gpu, {"clocks_hertz", "sm"})), 0.0,
       highest_sm_clock(context.agent)},
  };
  if (context.agent.history.status == EndpointStatus::not_available) {
    page.line().add("  history: not available on this agent", Tone::dim);
  } else {
    for (const auto& trend : trends) {
      page.line().cell(trend.label, 13, Tone::dim).cell(trend.now, 12, Tone::normal, true).add("  ");
      page.add(sparkline(history_series(context.agent, index, trend.key), spark, u, trend.low, trend.high), Tone::accent);
    }
  }

  page.section("Clocks, power, temperature");
  std::string clocks;
  if (const auto* all = json_at(gpu, {"clocks_hertz"}); all && all->is_object()) {
    for (const auto& [name, value] : all->items()) clocks += name + " " + format_hertz(value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt) + "  ";
  }
  page.line().add(clocks);
  std::string limits;
  if (const auto* all = json_at(gpu, {"power_limits_watts"}); all && all->is_object()) {
    for (const auto& [name, value] : all->items()) limits += name + " " + format_watts(value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt) + "  ";
  }
  page.line().add("power limits: " + limits);
  page.line().add("temperature " + format_celsius(number_at(gpu, {"temperature_celsius"})) + "  power " +
                  format_watts(number_at(gpu, {"power_watts"})) + "  pstate P" +
                  format_count(number_at(gpu, {"health", "pstate"})));

  page.section("Links and errors");
  Tone link_tone = Tone::normal, ecc_tone = Tone::normal;
  std::string links = links_text(gpu, link_tone);
  page.line().add(links.empty() ? "no link data" : links, link_tone);
  page.line().add(ecc_text(gpu, ecc_tone), ecc_tone);
  if (const auto* retired = json_at(gpu, {"health", "retired_pages"}); retired && retired->is_object()) {
    std::string text = "retired pages:";
    for (const auto& [cause, count] : retired->items()) text += " " + cause + " " + (count.is_number() ? format_count(count.get<double>()) : "-");
    page.line().add(text, Tone::dim);
  }
  add_mig_tree(page, gpu, u);

  page.section("Processes");
  const auto& processes = array_at(gpu, {"processes"});
  if (processes.empty()) page.line().add("  none", Tone::dim);
  for (const auto& process : processes) {
    page.line().cell(format_count(number_at(process, {"pid"})), 8, Tone::accent, true).add(" ");
    page.cell(text_at(process, {"name"}, "?"), 20).add(" ");
    page.cell(format_bytes(number_at(process, {"memory_bytes"})), 7, Tone::normal, true).add(" ");
    page.cell("sm " + format_percent(number_at(process, {"sm_utilization_ratio"})), 8).add(" ");
    std::string owner = text_at(process, {"pod"});
    if (!owner.empty()) page.add(text_at(process, {"namespace"}) + "/" + owner, Tone::accent);
  }
  return page;
}

}  // namespace ainode::tui
