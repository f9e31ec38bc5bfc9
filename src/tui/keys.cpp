#include "tui/keys.hpp"

#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"

namespace ainode::tui {

namespace {

// Screens with a row selection (Up/Down move it instead of scrolling).
std::size_t selectable_rows(const ViewState& view, const AgentState& agent) {
  if (view.screen == 2 && !view.gpu_detail) return gpu_list(agent).size();
  if (view.screen == 9) return array_at(agent.policies.body, {"profiles"}).size();
  return 0;
}

void go_to(ViewState& view, int screen, KeyOutcome& outcome) {
  if (screen == view.screen) return;
  view.screen = screen;
  view.selected = 0;
  view.scroll = 0;
  view.gpu_detail.reset();
  outcome.screen_changed = true;
}

void append_utf8(std::string& text, char32_t c) {
  if (c < 0x80) {
    text.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    text.push_back(static_cast<char>(0xC0 | (c >> 6)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    text.push_back(static_cast<char>(0xE0 | (c >> 12)));
    text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    text.push_back(static_cast<char>(0xF0 | (c >> 18)));
    text.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void pop_utf8(std::string& text) {
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty()) text.pop_back();
}

KeyOutcome edit_filter(const Key& key, ViewState& view) {
  KeyOutcome outcome;
  switch (key.kind) {
    case Key::Kind::enter: view.editing_filter = false; break;
    case Key::Kind::escape:
      view.editing_filter = false;
      view.filter.clear();
      break;
    case Key::Kind::backspace: pop_utf8(view.filter); break;
    case Key::Kind::character:
      if (key.character >= 0x20 && key.character != 0x7F) append_utf8(view.filter, key.character);
      break;
    default: break;
  }
  return outcome;
}

}  // namespace

KeyOutcome handle_key(const Key& key, ViewState& view, const AgentState& agent, std::size_t rows_per_page) {
  KeyOutcome outcome;
  if (key.kind == Key::Kind::none || key.kind == Key::Kind::resize) return outcome;
  if (view.confirm) {
    // Only an explicit "y" changes the machine; any other key cancels.
    if (key.kind == Key::Kind::character && (key.character == 'y' || key.character == 'Y')) outcome.set_mode = view.confirm;
    view.confirm.reset();
    return outcome;
  }
  if (view.editing_filter) return edit_filter(key, view);
  if (view.help) {
    view.help = false;
    return outcome;
  }
  std::size_t rows = selectable_rows(view, agent);
  std::size_t page = rows_per_page > 1 ? rows_per_page - 1 : 1;
  switch (key.kind) {
    case Key::Kind::tab: go_to(view, view.screen % kScreenCount + 1, outcome); return outcome;
    case Key::Kind::back_tab: go_to(view, (view.screen + kScreenCount - 2) % kScreenCount + 1, outcome); return outcome;
    case Key::Kind::up:
      if (rows > 0) {
        view.selected = view.selected > 0 ? view.selected - 1 : 0;
      } else if (view.scroll > 0) {
        --view.scroll;
      }
      return outcome;
    case Key::Kind::down:
      if (rows > 0) {
        view.selected = std::min(view.selected + 1, rows - 1);
      } else {
        ++view.scroll;  // the frame clamps it to the page
      }
      return outcome;
    case Key::Kind::page_up: view.scroll = view.scroll > page ? view.scroll - page : 0; return outcome;
    case Key::Kind::page_down: view.scroll += page; return outcome;
    case Key::Kind::home:
      view.scroll = 0;
      view.selected = 0;
      return outcome;
    case Key::Kind::end:
      view.scroll = static_cast<std::size_t>(-1) / 2;
      if (rows > 0) view.selected = rows - 1;
      return outcome;
    case Key::Kind::enter:
      if (view.screen == 2 && !view.gpu_detail && rows > 0) {
        const auto& gpus = gpu_list(agent);
        if (auto index = number_at(gpus[std::min(view.selected, rows - 1)], {"index"})) {
          view.gpu_detail = static_cast<unsigned>(*index);
          view.scroll = 0;
        }
      }
      return outcome;
    case Key::Kind::escape:
      view.gpu_detail.reset();
      return outcome;
    case Key::Kind::character: break;
    default: return outcome;
  }
  char32_t c = key.character;
  if (c >= '1' && c <= '9') {
    go_to(view, static_cast<int>(c - '0'), outcome);
  } else if (c == 'q' || c == 'Q') {
    view.quit = true;
  } else if (c == '?' || c == 'h') {
    view.help = true;
  } else if (c == 'r') {
    outcome.refresh = true;
    if (view.screen == 7 && !agent.diagnose_running) outcome.run_diagnose = true;
  } else if (view.screen == 3 && c == 's') {
    view.sort = static_cast<ProcessSort>((static_cast<int>(view.sort) + 1) % 5);
  } else if (view.screen == 3 && c == '/') {
    view.editing_filter = true;
  } else if (view.screen == 9 && (c == 'o' || c == 'd' || c == 'e') && rows > 0) {
    const auto& profile = array_at(agent.policies.body, {"profiles"})[std::min(view.selected, rows - 1)];
    std::string name = text_at(profile, {"name"});
    if (!name.empty()) view.confirm = PendingModeChange{name, c == 'o' ? "off" : c == 'd' ? "dry_run" : "enforce"};
  }
  return outcome;
}

}  // namespace ainode::tui
