#pragma once
// What a key press does to the view, and which requests it asks of the
// agent. Pure (no terminal, no network): tested key by key.
#include <optional>
#include <string>

#include "tui/agent_state.hpp"
#include "tui/view_state.hpp"

namespace ainode::tui {

struct Key {
  enum class Kind { none, character, up, down, page_up, page_down, home, end, enter, escape, tab, back_tab, backspace, resize };
  Kind kind = Kind::none;
  char32_t character = 0;  // for Kind::character
};

struct KeyOutcome {
  bool screen_changed = false;  // the poller must ask what the new screen reads
  bool refresh = false;
  bool run_diagnose = false;
  std::optional<PendingModeChange> set_mode;  // confirmed by the person
};

// rows_per_page: body lines on screen, for PgUp/PgDn.
KeyOutcome handle_key(const Key& key, ViewState& view, const AgentState& agent, std::size_t rows_per_page);

}  // namespace ainode::tui
