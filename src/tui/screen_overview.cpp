// Screen 1: the node at a glance.
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

void add_node(Page& page, const ScreenContext& context) {
  const auto& status = context.agent.status.body;
  const nlohmann::json& node = json_at(status, {"node"}) ? *json_at(status, {"node"}) : status;
  bool u = context.unicode;
  page.line();
  auto health = number_at(node, {"health_score"});
  page.add("health ", Tone::dim);
  page.add(health ? fmt::format("{:.1f}/10", *health) : kAbsent,
           !health ? Tone::dim : *health >= 7 ? Tone::good : *health >= 4 ? Tone::warn : Tone::bad);
  auto degradation = number_at(node, {"degradation", "score"});
  page.add("  degradation ", Tone::dim);
  page.add(degradation ? fmt::format("{:.2f}", *degradation) : kAbsent,
           !degradation ? Tone::dim : *degradation < 0.2 ? Tone::good : *degradation < 0.5 ? Tone::warn : Tone::bad);
  std::string active;
  if (const auto* signals = json_at(node, {"degradation", "signals"}); signals && signals->is_object()) {
    for (const auto& [name, signal] : signals->items()) {
      if (flag_at(signal, {"active"}) == true) active += (active.empty() ? "" : ", ") + name;
    }
  }
  if (!active.empty()) page.add("  (" + active + ")", Tone::warn);

  std::size_t gauge = context.width >= 120 ? 20 : 10;
  auto cpu = number_at(node, {"cpu", "utilization_ratio"});
  page.line().add("cpu  ", Tone::dim).add(bar(cpu, gauge, u), level_tone(cpu, 0.7, 0.9));
  page.add(" " + pad_left(format_percent(cpu), 4, u));
  page.add(fmt::format("  {} cores  load {}", format_count(number_at(node, {"cpu", "cores"})),
                       fmt::format("{:.2f}", number_at(node, {"load", "load1"}).value_or(0))),
           Tone::dim);
  page.add("  ").add(sparkline(history_series(context.agent, std::nullopt, "cpu_utilization"), gauge, u, 0.0, 1.0),
                     Tone::accent);
  auto total = number_at(node, {"memory", "total_bytes"});
  auto used = number_at(node, {"memory", "used_bytes"});
  std::optional<double> ratio = total && used && *total > 0 ? std::optional<double>(*used / *total) : std::nullopt;
  page.line().add("mem  ", Tone::dim).add(bar(ratio, gauge, u), level_tone(ratio, 0.8, 0.95));
  page.add(" " + pad_left(format_percent(ratio), 4, u));
  page.add(fmt::format("  {}/{}", format_bytes(used), format_bytes(total)), Tone::dim);
  auto swap = number_at(node, {"swap", "used_bytes"});
  page.add("  swap " + format_bytes(swap), Tone::dim);
  auto psi = number_at(node, {"pressure_worst_some_ratio"});
  page.add("  psi ", Tone::dim).add(format_percent(psi), level_tone(psi, 0.1, 0.3));
  auto watts = number_at(node, {"power", "watts"});
  page.line().add("pwr  ", Tone::dim).add(format_watts(watts), Tone::accent);
  page.add(" " + text_at(node, {"power", "source"}), Tone::dim);
  auto envelope = sample_value(context.agent.metrics, "ainode_node_power_envelope_watts");
  if (envelope && *envelope > 0) {
    std::optional<double> share = watts ? std::optional<double>(*watts / *envelope) : std::nullopt;
    page.add("  envelope " + format_watts(envelope) + " ", Tone::dim).add(bar(share, gauge, u), level_tone(share, 0.9, 1.0));
    page.add(" " + format_percent(share));
  } else if (context.agent.metrics_ok) {
    page.add("  no envelope set (power.node_envelope_watts)", Tone::dim);
  }
  page.add("  ").add(sparkline(history_series(context.agent, std::nullopt, "power_watts"), gauge, u), Tone::accent);
}

}  // namespace

Page render_overview(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  add_node(page, context);
  page.section("GPUs");
  add_gpu_table(page, context, false);
  page.section("Open root-cause findings");
  add_findings(page, context, "open", 3);
  page.section("Recent events");
  add_events(page, context, {}, 6);
  return page;
}

}  // namespace ainode::tui
