// Screen 7: the agent's one-shot diagnostics, check by check.
#include <fmt/format.h>

#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

Tone verdict_tone(const std::string& status) {
  if (status == "pass") return Tone::good;
  if (status == "warn") return Tone::warn;
  return Tone::bad;
}

}  // namespace

Page render_diagnostics(const ScreenContext& context) {
  const AgentState& agent = context.agent;
  Page page(context.width, context.unicode);
  if (agent.diagnose_running) page.line().add("running the diagnostics...", Tone::accent);
  const Endpoint& diagnose = agent.diagnose;
  if (diagnose.status == EndpointStatus::unknown) {
    if (!agent.diagnose_running) page.line().add("r: run the diagnostics", Tone::dim);
    return page;
  }
  if (diagnose.status == EndpointStatus::not_available) {
    page.line().add("Diagnostics: not available on this agent (POST /v1/control/diagnose: 404)", Tone::dim);
    return page;
  }
  if (diagnose.status == EndpointStatus::failed) {
    page.line().add("Diagnostics could not run: " + diagnose.error, Tone::bad);
    if (diagnose.body.is_null()) return page;
    page.line().add("the last result:", Tone::dim);
  }
  const auto& body = diagnose.body;
  std::string overall = text_at(body, {"status"}, "?");
  page.line().add("overall ", Tone::dim).add(overall, verdict_tone(overall));
  page.add("  in " + format_seconds(number_at(body, {"duration_seconds"})), Tone::dim);
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& check : array_at(body, {"checks"})) {
    std::string status = text_at(check, {"status"});
    ++counts[status == "pass" ? 0 : status == "warn" ? 1 : 2];
  }
  page.add(fmt::format("  {} pass, {} warn, {} fail   (r: run again)", counts[0], counts[1], counts[2]), Tone::dim);
  auto widths = fit_columns({{4, 4, false}, {12, 22, false}, {8, 14, false}, {10, 60, true}}, context.width);
  page.line();
  const char* headings[] = {"", "CHECK", "SUBJECT", "EVIDENCE"};
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (widths[i]) page.cell(headings[i], widths[i], Tone::dim).add(" ");
  }
  // Failures first, then warnings, then passes: what needs doing on top.
  for (const char* wanted : {"fail", "warn", "pass"}) {
    for (const auto& check : array_at(body, {"checks"})) {
      std::string status = text_at(check, {"status"});
      if (status != wanted && !(std::string_view(wanted) == "fail" && status != "warn" && status != "pass")) continue;
      page.line().cell(status, widths[0], verdict_tone(status)).add(" ");
      page.cell(text_at(check, {"name"}), widths[1], Tone::accent).add(" ");
      if (widths[2]) page.cell(text_at(check, {"subject"}), widths[2]).add(" ");
      page.add(text_at(check, {"evidence"}));
      std::string fix = text_at(check, {"fix"});
      if (!fix.empty() && status != "pass") page.line().add("       fix: " + fix, Tone::warn);
    }
  }
  return page;
}

}  // namespace ainode::tui
