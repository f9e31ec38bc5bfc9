#pragma once
// The nine screens of `ainode tui` and their help. Each is a pure function
// from the agent's state and the view state to a page of the given width;
// the frame (title, tabs, footer) is drawn around it by render_frame.
#include <cstddef>
#include <string>
#include <vector>

#include "tui/agent_state.hpp"
#include "tui/page.hpp"
#include "tui/view_state.hpp"

namespace ainode::tui {

struct ScreenContext {
  const AgentState& agent;
  const ViewState& view;
  std::size_t width;
  bool unicode;
};

struct ScreenInfo {
  const char* tab;    // in the tab bar: "GPUs"
  const char* title;  // "GPUs: bars, sparklines, MIG, links, ECC"
  const char* help;   // lines separated by \n
};

const ScreenInfo& screen_info(int screen);

Page render_overview(const ScreenContext& context);
Page render_gpus(const ScreenContext& context);
Page render_gpu_detail(const ScreenContext& context, unsigned gpu);
Page render_processes(const ScreenContext& context);
Page render_network(const ScreenContext& context);
Page render_power(const ScreenContext& context);
Page render_kubernetes(const ScreenContext& context);
Page render_diagnostics(const ScreenContext& context);
Page render_aiops(const ScreenContext& context);
Page render_policies(const ScreenContext& context);

// The body of the current screen (or its help, or the no-agent message).
Page render_body(const ScreenContext& context);

// The whole terminal: title line, tab bar, `height - 3` body lines from
// view.scroll, footer. focus_line (when set) is a body line the view must
// show (the selected row); the returned scroll is the one used.
struct Frame {
  Page page;
  std::size_t scroll = 0;
  std::size_t body_lines = 0;  // of the whole body, for paging
};
Frame render_frame(const ScreenContext& context, std::size_t height);

}  // namespace ainode::tui
