#include "tui/tui_app.hpp"

#include <iostream>
#include <optional>

#include "tui/agent_poller.hpp"
#include "tui/keys.hpp"
#include "tui/screens.hpp"
#include "tui/terminal.hpp"

namespace ainode::tui {

namespace {

// What each screen reads besides /v1/status, /v1/gpus and /v1/history,
// so the overview at 1 s does not pay for the Kubernetes or policy views.
Needs needs_of(int screen) {
  Needs needs;
  needs.rca = screen == 1 || screen == 8;
  needs.metrics = screen == 1 || screen == 3 || screen == 4 || screen == 5;
  needs.pods = screen == 6;
  needs.policies = screen == 9;
  return needs;
}

}  // namespace

int run_tui(const TuiOptions& options) {
  if (!choose_color_mode(options.color, nullptr, 256)) {
    std::cerr << "ainode tui: --color must be auto, 256, 16 or none, not '" << options.color << "'\n";
    return 2;
  }
  try {
    AgentClient probe(options.connection);  // an unreadable token file is a usage error, before curses starts
  } catch (const std::exception& error) {
    std::cerr << "ainode tui: " << error.what() << "\n";
    return 2;
  }
  std::optional<Terminal> terminal;
  try {
    terminal.emplace(options.color, options.ascii);
  } catch (const std::exception& error) {
    std::cerr << "ainode tui: " << error.what() << "\n";
    return 2;
  }
  ViewState view;
  view.screen = std::clamp(options.screen, 1, kScreenCount);
  AgentPoller poller(options.connection, {});
  poller.set_needs(needs_of(view.screen));
  poller.start();
  std::uint64_t drawn = static_cast<std::uint64_t>(-1);
  bool dirty = true;
  bool diagnosed = false;
  std::size_t rows = 1;
  while (!view.quit) {
    auto state = poller.state();
    // The diagnostics screen runs them on its first visit.
    if (view.screen == 7 && !diagnosed && state->connected) {
      diagnosed = true;
      poller.run_diagnose();
      state = poller.state();
    }
    if (dirty || state->generation != drawn) {
      ScreenContext context{*state, view, terminal->width(), terminal->unicode()};
      Frame frame = render_frame(context, terminal->height());
      view.scroll = frame.scroll;
      rows = terminal->height() > 3 ? terminal->height() - 3 : 1;
      terminal->draw(frame.page);
      drawn = state->generation;
      dirty = false;
    }
    // A short wait: a change of the state (a new cycle, an event) is drawn
    // within 100 ms, and a key at once.
    Key key = terminal->read_key(100);
    if (key.kind == Key::Kind::none) continue;
    dirty = true;
    KeyOutcome outcome = handle_key(key, view, *state, rows);
    if (outcome.screen_changed) poller.set_needs(needs_of(view.screen));
    if (outcome.refresh) poller.refresh();
    if (outcome.run_diagnose) poller.run_diagnose();
    if (outcome.set_mode) poller.set_policy_mode(outcome.set_mode->profile, outcome.set_mode->mode);
  }
  // The terminal first: the prompt is back while the threads wind down.
  terminal->close();
  poller.stop();
  return 0;
}

}  // namespace ainode::tui
