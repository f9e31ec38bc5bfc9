// Screen 9: efficiency profiles and their state per GPU, the audit trail,
// collectors' health, the agent's own cost.
#include <fmt/format.h>

#include "tui/json_read.hpp"
#include "tui/metric_frame.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

Tone state_tone(const std::string& state) {
  if (state == "applied") return Tone::good;
  if (state == "pending" || state == "cooldown") return Tone::warn;
  if (state == "error" || state == "backed_off") return Tone::bad;
  return Tone::dim;
}

Tone mode_tone(const std::string& mode) {
  if (mode == "enforce") return Tone::warn;
  if (mode == "dry_run") return Tone::accent;
  return Tone::dim;
}

std::string compact_json(const nlohmann::json* value) {
  if (!value || value->is_null() || (value->is_object() && value->empty())) return "-";
  std::string out;
  if (value->is_object()) {
    for (const auto& [key, item] : value->items()) {
      out += (out.empty() ? "" : " ") + key + "=" +
             (item.is_number() ? fmt::format("{:.4g}", item.get<double>()) : item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out;
  }
  return value->dump();
}

void add_profiles(Page& page, const ScreenContext& context) {
  page.section("Efficiency profiles (o/d/e: set off, dry_run, enforce)");
  if (add_unavailable(page, context.agent.policies, "policies")) return;
  const auto& profiles = array_at(context.agent.policies.body, {"profiles"});
  if (profiles.empty()) page.line().add("  no profiles loaded (docs/policies.md)", Tone::dim);
  std::size_t row = 0;
  for (const auto& profile : profiles) {
    bool selected = row++ == context.view.selected;
    std::string mode = text_at(profile, {"mode"}, "?");
    page.line();
    if (selected) page.focus();
    page.add(selected ? ">" : " ", Tone::selected);
    page.cell(text_at(profile, {"name"}, "?"), 24, selected ? Tone::selected : Tone::heading).add(" ");
    page.cell(mode, 8, mode_tone(mode)).add(" ");
    page.add(fmt::format("priority {} ", number_at(profile, {"priority"}).value_or(0)), Tone::dim);
    bool active = flag_at(profile, {"active"}) == true;
    page.add(active ? "active " : "inactive ", active ? Tone::good : Tone::dim);
    page.add(text_at(profile, {"file"}), Tone::dim);
    for (const auto& gpu : array_at(profile, {"gpus"})) {
      std::string state = text_at(gpu, {"state"}, "?");
      page.line().add(fmt::format("    GPU {} ", number_at(gpu, {"gpu"}).value_or(-1)), Tone::accent);
      page.cell(state, 11, state_tone(state)).add(" ");
      page.add("applied " + compact_json(json_at(gpu, {"applied"})) + "  desired " + compact_json(json_at(gpu, {"desired"})));
      std::string reason = text_at(gpu, {"reason"});
      if (!reason.empty()) page.add("  " + reason, Tone::dim);
    }
  }
}

void add_collectors(Page& page, const ScreenContext& context) {
  const auto& status = context.agent.status.body;
  page.section("Agent and collectors");
  auto cycle = number_at(status, {"snapshot", "cycle_seconds"});
  double interval = context.agent.interval_seconds;
  page.line().add("collection ", Tone::dim).add(format_seconds(cycle));
  if (cycle && interval > 0) page.add(fmt::format(" per {} cycle ({:.1f}% of the interval)", format_seconds(interval), *cycle / interval * 100), Tone::dim);
  page.add("  snapshot #" + format_count(number_at(status, {"snapshot", "sequence"})), Tone::dim);
  // The agent's own cost (ainode_agent_*): CPU share of one core between the
  // last two scrapes, resident memory, threads, descriptors.
  const auto& agent = context.agent;
  auto cpu = counter_rate(agent.previous_metrics, agent.metrics, "ainode_agent_cpu_seconds_total");
  auto rss = sample_value(agent.metrics, "ainode_agent_resident_memory_bytes");
  if (cpu || rss) {
    page.line().add("agent ", Tone::dim).add(cpu ? format_percent(*cpu) + " of a core" : "cpu ?");
    page.add("  rss " + format_bytes(rss) + "  threads " +
                 format_count(sample_value(agent.metrics, "ainode_agent_threads")) + "  fds " +
                 format_count(sample_value(agent.metrics, "ainode_agent_open_fds")),
             Tone::dim);
  }
  auto widths = fit_columns({{12, 14, false}, {7, 7, false}, {8, 9, false}, {6, 7, false}, {10, 60, true}}, context.width);
  const char* headings[] = {"COLLECTOR", "STATE", "DURATION", "ERRORS", "LAST ERROR"};
  page.line();
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (widths[i]) page.cell(headings[i], widths[i], Tone::dim).add(" ");
  }
  for (const auto& collector : array_at(status, {"collectors"})) {
    bool ok = flag_at(collector, {"success"}) == true;
    bool timed_out = flag_at(collector, {"timed_out"}) == true;
    page.line().cell(text_at(collector, {"name"}), widths[0], Tone::accent).add(" ");
    page.cell(timed_out ? "TIMEOUT" : ok ? "ok" : "FAILED", widths[1], ok ? Tone::good : Tone::bad).add(" ");
    page.cell(format_seconds(number_at(collector, {"duration_seconds"})), widths[2], Tone::normal, true).add(" ");
    auto errors = number_at(collector, {"errors_total"});
    page.cell(format_count(errors), widths[3], errors.value_or(0) > 0 ? Tone::warn : Tone::dim, true).add(" ");
    if (widths[4]) page.add(text_at(collector, {"last_error"}), Tone::dim);
  }
}

}  // namespace

Page render_policies(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  add_profiles(page, context);
  page.section("Audit trail (control and policy events)");
  add_events(page, context, {"control_", "policy_", "config_reloaded", "web_config"}, 8);
  add_collectors(page, context);
  return page;
}

}  // namespace ainode::tui
