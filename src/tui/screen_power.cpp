// Screen 5: node power by source, per-GPU power and energy, tokens per joule.
#include <fmt/format.h>

#include "tui/gauges.hpp"
#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

Page render_power(const ScreenContext& context) {
  const AgentState& agent = context.agent;
  Page page(context.width, context.unicode);
  bool u = context.unicode;
  std::size_t spark = context.width > 50 ? context.width - 50 : 0;
  page.section("Node");
  auto watts = number_at(agent.status.body, {"node", "power", "watts"});
  page.line().add("node power ", Tone::dim).add(format_watts(watts), Tone::accent);
  page.add(" (" + text_at(agent.status.body, {"node", "power", "source"}, "no source") + ")", Tone::dim);
  auto envelope = sample_value(agent.metrics, "ainode_node_power_envelope_watts");
  if (envelope && *envelope > 0) {
    std::optional<double> share = watts ? std::optional<double>(*watts / *envelope) : std::nullopt;
    page.add("  envelope " + format_watts(envelope) + " ", Tone::dim).add(bar(share, 10, u), level_tone(share, 0.9, 1.0));
    page.add(" " + format_percent(share));
    if (sample_value(agent.metrics, "ainode_node_power_envelope_exceeded") == 1.0) page.add("  EXCEEDED", Tone::bad);
  } else {
    page.add("  no envelope (power.node_envelope_watts)", Tone::dim);
  }
  page.line().add("energy ", Tone::dim).add(format_joules(sample_value(agent.metrics, "ainode_node_energy_joules_total")));
  page.add("  trend ", Tone::dim).add(sparkline(history_series(agent, std::nullopt, "power_watts"), spark, u), Tone::accent);
  page.section("Sources");
  for (const auto* sample : samples_named(agent.metrics, "ainode_cpu_package_power_watts")) {
    const std::string* package = sample->label("package");
    const std::string* zone = sample->label("zone");
    page.line().cell(fmt::format("RAPL package {} {}", package ? *package : "?", zone ? *zone : ""), 28, Tone::dim);
    page.add(format_watts(sample->value));
  }
  for (const auto* sample : samples_named(agent.metrics, "ainode_hwmon_power_watts")) {
    const std::string* chip = sample->label("chip");
    const std::string* sensor = sample->label("sensor");
    page.line().cell(fmt::format("hwmon {} {}", chip ? *chip : "?", sensor ? *sensor : ""), 28, Tone::dim);
    page.add(format_watts(sample->value));
  }
  for (const auto* sample : samples_named(agent.metrics, "ainode_bmc_power_watts")) {
    page.line().cell("BMC (IPMI DCMI)", 28, Tone::dim).add(format_watts(sample->value));
  }
  page.section("GPUs");
  double gpu_total = 0;
  for (const auto& gpu : gpu_list(agent)) {
    auto index = number_at(gpu, {"index"});
    auto power = number_at(gpu, {"power_watts"});
    auto limit = number_at(gpu, {"power_limits_watts", "enforced"});
    gpu_total += power.value_or(0);
    std::optional<double> share = power && limit && *limit > 0 ? std::optional<double>(*power / *limit) : std::nullopt;
    page.line().cell(fmt::format("GPU {}", index.value_or(-1)), 6, Tone::accent);
    page.add(bar(share, 10, u), level_tone(share, 0.95, 1.01)).add(" ");
    page.cell(format_watts(power) + "/" + format_watts(limit), 11, Tone::normal, true).add(" ");
    std::optional<std::string> uuid;
    if (const auto* text = json_at(gpu, {"uuid"}); text && text->is_string()) uuid = text->get<std::string>();
    auto energy = uuid ? sample_value(agent.metrics, "ainode_gpu_energy_joules_total", {{"uuid", *uuid}}) : std::nullopt;
    page.cell(format_joules(energy), 8, Tone::dim, true).add("  ");
    std::optional<unsigned> gpu_index;
    if (index) gpu_index = static_cast<unsigned>(*index);
    page.add(sparkline(history_series(agent, gpu_index, "power_watts"), spark, u, 0.0, limit), Tone::accent);
  }
  page.line().add("all GPUs ", Tone::dim).add(format_watts(gpu_total));
  // A node meter reading below the GPUs' own sum measures part of the node
  // (one PSU, the CPU board): a share would mislead, the two numbers do not.
  if (watts && *watts >= gpu_total && *watts > 0) {
    page.add(fmt::format(" ({:.0f}% of node power)", gpu_total / *watts * 100), Tone::dim);
  } else if (watts) {
    page.add("  (above the node meter's " + format_watts(watts) + ": it does not see the GPUs)", Tone::warn);
  }
  page.section("Model efficiency");
  auto models = samples_named(agent.metrics, "ainode_model_tokens_per_joule");
  if (models.empty()) {
    page.line().add("  no model server scraped (ainode_model_tokens_per_joule absent; docs/model-efficiency.md)", Tone::dim);
  }
  for (const auto* sample : models) {
    const std::string* model = sample->label("model");
    page.line().cell(model ? *model : "?", 30, Tone::accent).add(fmt::format("{:.3g} tokens/J", sample->value));
    if (model) {
      auto energy = sample_value(agent.metrics, "ainode_model_energy_joules_total", {{"model", *model}});
      page.add("  energy " + format_joules(energy), Tone::dim);
    }
  }
  return page;
}

}  // namespace ainode::tui
