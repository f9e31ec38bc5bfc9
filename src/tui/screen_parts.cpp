#include "tui/screen_parts.hpp"

#include <fmt/format.h>

#include "tui/gauges.hpp"
#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

Tone severity_tone(const std::string& severity) {
  if (severity == "critical") return Tone::bad;
  if (severity == "warning") return Tone::warn;
  return Tone::dim;
}

std::string subject_text(const nlohmann::json& subject) {
  std::string out;
  if (auto gpu = number_at(subject, {"gpu"})) out = fmt::format("GPU {}", *gpu);
  std::string pod = text_at(subject, {"pod"});
  if (!pod.empty()) {
    std::string ns = text_at(subject, {"namespace"}, text_at(subject, {"namespace_name"}));
    out += (out.empty() ? "" : " ") + (ns.empty() ? pod : ns + "/" + pod);
  }
  std::string profile = text_at(subject, {"profile"});
  if (!profile.empty()) out += (out.empty() ? "" : " ") + profile;
  return out;
}

// "2026-12-02T05:43:34.487Z" -> "05:43:34": the screens show today's events.
std::string clock_of(const std::string& rfc3339) { return rfc3339.size() >= 19 ? rfc3339.substr(11, 8) : rfc3339; }

}  // namespace

Tone level_tone(std::optional<double> value, double warn_at, double bad_at) {
  if (!value) return Tone::dim;
  if (*value >= bad_at) return Tone::bad;
  if (*value >= warn_at) return Tone::warn;
  return Tone::good;
}

bool add_unavailable(Page& page, const Endpoint& endpoint, const std::string& what) {
  switch (endpoint.status) {
    case EndpointStatus::ok: return false;
    case EndpointStatus::unknown: page.line().add("  " + what + ": waiting for the agent", Tone::dim); return true;
    case EndpointStatus::not_available:
      page.line().add("  " + what + ": not available on this agent", Tone::dim);
      return true;
    case EndpointStatus::failed: page.line().add("  " + what + ": " + endpoint.error, Tone::bad); return true;
  }
  return true;
}

void add_gpu_table(Page& page, const ScreenContext& context, bool selectable) {
  const auto& gpus = gpu_list(context.agent);
  if (gpus.empty()) {
    std::string why = text_at(context.agent.status.body, {"nvml", "reason"});
    page.line().add("  no GPUs" + (why.empty() ? std::string(" reported by this agent") : ": " + why), Tone::dim);
    return;
  }
  bool any_risk = false;
  for (const auto& gpu : gpus) any_risk = any_risk || risk_flag(gpu).has_value();
  // Below 100 columns the risk column would squeeze the names and flags
  // away; a GPU whose risk asks for action then says so among its flags.
  bool risk_column = any_risk && context.width >= 100;
  bool u = context.unicode;
  auto widths = fit_columns({{3, 3, false},
                             {8, 16, true},
                             {4, 10, false},
                             {4, 4, false},
                             {11, 11, false},
                             {4, 4, false},
                             {9, 9, false},
                             {7, 7, false},
                             {risk_column ? std::size_t(10) : 0, risk_column ? std::size_t(10) : 0, false},
                             {6, 12, true}},
                            context.width);
  auto heading = [&](const char* text, std::size_t column, bool right = false) {
    if (widths[column] > 0) page.cell(text, widths[column], Tone::dim, right).add(" ");
  };
  page.line();
  heading("GPU", 0);
  heading("NAME", 1);
  heading("UTIL", 2);
  heading("", 3);
  heading("MEMORY", 4, true);
  heading("TEMP", 5, true);
  heading("POWER", 6, true);
  heading("SM", 7, true);
  if (risk_column) heading("RISK", 8);
  heading("FLAGS", 9);
  std::size_t row = 0;
  for (const auto& gpu : gpus) {
    bool selected = selectable && row++ == context.view.selected;
    auto index = number_at(gpu, {"index"});
    page.line();
    if (selected) page.focus();
    page.cell(fmt::format("{}{}", selected ? ">" : " ", index ? std::to_string(static_cast<int>(*index)) : "?"),
              widths[0], selected ? Tone::selected : Tone::accent)
        .add(" ");
    page.cell(short_gpu_name(text_at(gpu, {"name"})), widths[1]).add(" ");
    auto utilization = number_at(gpu, {"utilization_ratio"});
    if (widths[2]) page.cell(bar(utilization, widths[2], u), widths[2], level_tone(utilization, 2, 2)).add(" ");
    page.cell(format_percent(utilization), widths[3], Tone::normal, true).add(" ");
    auto used = number_at(gpu, {"memory", "used_bytes"});
    auto total = number_at(gpu, {"memory", "total_bytes"});
    page.cell(format_bytes(used) + "/" + format_bytes(total), widths[4], Tone::normal, true).add(" ");
    auto temperature = number_at(gpu, {"temperature_celsius"});
    page.cell(format_celsius(temperature), widths[5], level_tone(temperature, 80, 87), true).add(" ");
    auto watts = number_at(gpu, {"power_watts"});
    auto limit = number_at(gpu, {"power_limits_watts", "enforced"});
    std::string power = format_watts(watts);
    if (limit) power = fmt::format("{:.0f}/{}", watts.value_or(0), format_watts(limit));
    if (!watts) power = "-/" + format_watts(limit);
    page.cell(power, widths[6], Tone::normal, true).add(" ");
    page.cell(format_hertz(number_at(gpu, {"clocks_hertz", "sm"})), widths[7], Tone::normal, true).add(" ");
    auto risk = risk_flag(gpu);
    if (risk_column && widths[8]) page.cell(risk ? risk->text : kAbsent, widths[8], risk ? risk->tone : Tone::dim).add(" ");
    auto flags = throttle_flags(gpu);
    if (!risk_column && risk && text_at(gpu, {"risk", "action"}, "none") != "none") {
      flags.insert(flags.begin(), Flag{"risk:" + text_at(gpu, {"risk", "action"}), risk->tone});
    }
    if (flags.empty()) page.add("ok", Tone::good);
    for (const auto& flag : flags) page.add(flag.text, flag.tone).add(" ");
  }
}

void add_findings(Page& page, const ScreenContext& context, const std::string& state, std::size_t limit,
                  bool detailed) {
  if (add_unavailable(page, context.agent.rca, "root-cause analysis")) return;
  std::size_t shown = 0;
  for (const auto& finding : array_at(context.agent.rca.body, {"findings"})) {
    if (text_at(finding, {"state"}) != state) continue;
    bool open = state == "open";
    if (limit != 0 && shown >= limit) break;
    ++shown;
    page.line().add(open ? "OPEN   " : "closed ", open ? Tone::bad : Tone::dim);
    page.add(text_at(finding, {"cause"}, "?"), Tone::heading);
    auto confidence = number_at(finding, {"confidence"});
    page.add(" " + (confidence ? fmt::format("{:.0f}%", *confidence * 100) : std::string(kAbsent)),
             level_tone(confidence, 0.5, 0.8));
    std::string subject = subject_text(finding);
    if (!subject.empty()) page.add("  " + subject, Tone::accent);
    page.add("  since " + clock_of(text_at(finding, {"start"})), Tone::dim);
    if (!open) page.add(" until " + clock_of(text_at(finding, {"end"})), Tone::dim);
    std::string action = text_at(finding, {"action"});
    if (!action.empty()) page.add("  -> " + action);
    if (!detailed) continue;
    for (const auto& evidence : array_at(finding, {"evidence"})) {
      page.line().add("       " + text_at(evidence, {"signal"}, "?") + " ", Tone::dim);
      auto show = [&](const char* key) {
        const nlohmann::json* value = json_at(evidence, {key});
        if (!value) return std::string(kAbsent);
        return value->is_number() ? fmt::format("{:.4g}", value->get<double>())
                                  : value->is_string() ? value->get<std::string>() : std::string(kAbsent);
      };
      page.add(show("value"));
      page.add("  baseline " + show("baseline"), Tone::dim);
      page.add("  threshold " + show("threshold"), Tone::dim);
      page.add("  at " + clock_of(text_at(evidence, {"at"})), Tone::dim);
    }
    std::string alternatives;
    for (const auto& alternative : array_at(finding, {"alternatives"})) {
      auto score = number_at(alternative, {"score"});
      alternatives += fmt::format("{}{} {:.2f}", alternatives.empty() ? "" : ", ", text_at(alternative, {"cause"}, "?"),
                                  score.value_or(0));
    }
    if (!alternatives.empty()) page.line().add("       alternatives: " + alternatives, Tone::dim);
  }
  if (shown == 0) page.line().add("  no " + state + " findings", state == "open" ? Tone::good : Tone::dim);
}

void add_events(Page& page, const ScreenContext& context, const std::vector<std::string>& prefixes, std::size_t limit) {
  const auto& events = context.agent.events;
  std::size_t shown = 0;
  for (auto it = events.rbegin(); it != events.rend() && (limit == 0 || shown < limit); ++it) {
    std::string type = text_at(*it, {"type"});
    bool wanted = prefixes.empty();
    for (const auto& prefix : prefixes) wanted = wanted || type.starts_with(prefix);
    if (!wanted) continue;
    ++shown;
    std::string severity = text_at(*it, {"severity"});
    page.line().add(clock_of(text_at(*it, {"time"})) + " ", Tone::dim);
    page.cell(severity, 8, severity_tone(severity)).add(" ");
    page.cell(type, 22, Tone::accent).add(" ");
    const nlohmann::json* subject_json = json_at(*it, {"subject"});
    std::string subject = subject_json ? subject_text(*subject_json) : "";
    if (!subject.empty()) page.add(subject + "  ");
    page.add(text_at(*it, {"message"}));
  }
  if (shown == 0) {
    page.line().add(context.agent.events_live ? "  none yet" : "  the event stream is not connected", Tone::dim);
  }
}

}  // namespace ainode::tui
