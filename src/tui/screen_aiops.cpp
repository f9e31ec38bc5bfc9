// Screen 8: root-cause findings and per-GPU failure risk.
#include <fmt/format.h>

#include "tui/gauges.hpp"
#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"

namespace ainode::tui {

Page render_aiops(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  page.section("Root-cause findings (open first)");
  add_findings(page, context, "open", 0, true);
  if (context.agent.rca.status == EndpointStatus::ok) {
    page.section("Recent closed findings");
    add_findings(page, context, "closed", 10, false);
  }
  page.section("GPU failure risk");
  bool any = false;
  for (const auto& gpu : gpu_list(context.agent)) {
    auto risk = risk_flag(gpu);
    if (!risk) continue;
    any = true;
    page.line().add(fmt::format("GPU {} ", number_at(gpu, {"index"}).value_or(-1)), Tone::accent);
    page.add(bar(number_at(gpu, {"risk", "value"}), 10, context.unicode), risk->tone).add(" ");
    page.add(risk->text, risk->tone);
    for (const auto& reason : array_at(gpu, {"risk", "reasons"})) {
      auto weight = number_at(reason, {"weight"});
      page.line().add(fmt::format("       {} ({:.2f}): {}", text_at(reason, {"reason"}), weight.value_or(0),
                                  text_at(reason, {"detail"})),
                      Tone::dim);
    }
  }
  if (!any) {
    bool have_gpus = !gpu_list(context.agent).empty();
    page.line().add(have_gpus ? "  failure risk: not available on this agent (no \"risk\" in /v1/gpus)" : "  no GPUs",
                    Tone::dim);
  }
  return page;
}

}  // namespace ainode::tui
