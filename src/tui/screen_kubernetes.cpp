// Screen 6: the kubelet, GPUs allocated to pods, pod events.
#include <fmt/format.h>

#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

Page render_kubernetes(const ScreenContext& context) {
  const AgentState& agent = context.agent;
  Page page(context.width, context.unicode);
  const nlohmann::json* kubelet = json_at(agent.status.body, {"kubelet"});
  page.line().add("kubelet ", Tone::dim);
  if (!kubelet || !kubelet->is_object()) {
    page.add("not reported by this agent", Tone::dim);
  } else {
    bool up = flag_at(*kubelet, {"up"}) == true;
    page.add(up ? "connected" : "not connected", up ? Tone::good : Tone::warn);
    page.add("  " + text_at(*kubelet, {"socket"}), Tone::dim);
    std::string error = text_at(*kubelet, {"last_error"});
    if (!error.empty()) page.line().add("  " + error, Tone::bad);
  }
  std::size_t gpus = gpu_list(agent).size(), allocated = 0;
  page.section("Pods holding GPUs");
  if (!add_unavailable(page, agent.pods, "/v1/pods")) {
    for (const auto& container : array_at(agent.pods.body, {"containers"})) {
      const auto& held = array_at(container, {"gpus"});
      if (held.empty()) continue;
      allocated += held.size();
      std::string list;
      for (const auto& gpu : held) {
        auto index = number_at(gpu, {"gpu"});
        list += (list.empty() ? "" : ",") + (index ? fmt::format("{}", *index) : text_at(gpu, {"uuid"}, "?"));
      }
      page.line().cell(text_at(container, {"namespace"}) + "/" + text_at(container, {"pod"}), 34, Tone::accent).add(" ");
      page.cell(text_at(container, {"container"}), 16).add(" ");
      page.add(fmt::format("{} GPU{}: {}", held.size(), held.size() == 1 ? "" : "s", list));
    }
    page.line().add(fmt::format("allocated {} of {} GPUs", allocated, gpus), allocated < gpus ? Tone::dim : Tone::good);
  }
  page.section("Pod events");
  add_events(page, context, {"pod_", "container_"}, 0);
  return page;
}

}  // namespace ainode::tui
