#include "tui/terminal.hpp"

#include <algorithm>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <langinfo.h>
#include <stdexcept>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncurses.h>

namespace ainode::tui {

namespace {

// Colour pair numbers, one per tone that has a colour.
enum Pair : short { kGood = 1, kWarn, kBad, kAccent, kDim, kHeading };

bool locale_is_utf8() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

}  // namespace

std::optional<ColorMode> choose_color_mode(const std::string& flag, const char* no_color, int terminal_colors) {
  if (flag == "none") return ColorMode::none;
  if (flag == "16") return ColorMode::basic16;
  if (flag == "256") return ColorMode::color256;
  if (flag != "auto") return std::nullopt;
  if (no_color && *no_color) return ColorMode::none;
  if (terminal_colors >= 256) return ColorMode::color256;
  if (terminal_colors >= 8) return ColorMode::basic16;
  return ColorMode::none;
}

Terminal::Terminal(const std::string& color_flag, bool force_ascii) {
  std::setlocale(LC_ALL, "");
  unicode_ = !force_ascii && locale_is_utf8();
  if (!initscr()) throw std::runtime_error("cannot start the terminal (TERM unset or unknown?)");
  open_ = true;
  cbreak();  // Ctrl-C stays a signal; ncurses restores the terminal on it
  noecho();
  keypad(stdscr, TRUE);
  curs_set(0);
  set_escdelay(25);
  // The terminal's colour count from terminfo, before start_color(): in
  // monochrome curses must not even set the default colours.
  int colors = has_colors() ? std::max(tigetnum("colors"), 0) : 0;
  color_mode_ = choose_color_mode(color_flag, std::getenv("NO_COLOR"), colors).value_or(ColorMode::none);
  if (color_mode_ != ColorMode::none && !has_colors()) color_mode_ = ColorMode::none;
  if (color_mode_ != ColorMode::none) {
    start_color();
    use_default_colors();
    bool rich = color_mode_ == ColorMode::color256 && COLORS >= 256;
    init_pair(kGood, rich ? 71 : COLOR_GREEN, -1);
    init_pair(kWarn, rich ? 214 : COLOR_YELLOW, -1);
    init_pair(kBad, rich ? 196 : COLOR_RED, -1);
    init_pair(kAccent, rich ? 39 : COLOR_CYAN, -1);
    init_pair(kDim, rich ? 245 : COLOR_WHITE, -1);
    init_pair(kHeading, rich ? 255 : COLOR_WHITE, -1);
  }
}

Terminal::~Terminal() { close(); }

void Terminal::close() {
  if (!open_) return;
  endwin();
  open_ = false;
}

std::size_t Terminal::width() const { return static_cast<std::size_t>(std::max(COLS, 0)); }
std::size_t Terminal::height() const { return static_cast<std::size_t>(std::max(LINES, 0)); }

int Terminal::attributes(Tone tone) const {
  if (color_mode_ == ColorMode::none) {
    // Monochrome: what must catch the eye is bold (bad also underlined).
    switch (tone) {
      case Tone::bad: return A_BOLD | A_UNDERLINE;
      case Tone::warn: return A_BOLD;
      case Tone::heading: return A_BOLD;
      case Tone::dim: return A_DIM;
      case Tone::selected: return A_REVERSE;
      default: return A_NORMAL;
    }
  }
  bool basic = color_mode_ == ColorMode::basic16;
  switch (tone) {
    case Tone::good: return COLOR_PAIR(kGood);
    case Tone::warn: return COLOR_PAIR(kWarn) | (basic ? A_BOLD : 0);
    case Tone::bad: return COLOR_PAIR(kBad) | A_BOLD;
    case Tone::accent: return COLOR_PAIR(kAccent);
    case Tone::dim: return basic ? A_DIM : COLOR_PAIR(kDim);
    case Tone::heading: return COLOR_PAIR(kHeading) | A_BOLD;
    case Tone::selected: return A_REVERSE | A_BOLD;
    case Tone::normal: return A_NORMAL;
  }
  return A_NORMAL;
}

void Terminal::draw(const Page& page) {
  erase();
  // A resize reflows the terminal's own copy of the screen (tmux, xterm), so
  // sending only the differences would leave fragments of the old frame.
  if (repaint_all_) clearok(curscr, TRUE);
  repaint_all_ = false;
  int rows = LINES;
  int row = 0;
  for (const auto& line : page.lines()) {
    if (row >= rows) break;
    move(row, 0);
    for (const auto& span : line.spans) {
      attrset(attributes(span.tone));
      addnstr(span.text.c_str(), static_cast<int>(span.text.size()));
    }
    ++row;
  }
  attrset(A_NORMAL);
  refresh();  // ncurses sends only what changed since the last frame
}

Key Terminal::read_key(int timeout_ms) {
  timeout(timeout_ms);
  wint_t code = 0;
  int kind = get_wch(&code);
  Key key;
  if (kind == ERR) return key;
  if (kind == KEY_CODE_YES) {
    switch (code) {
      case KEY_UP: key.kind = Key::Kind::up; break;
      case KEY_DOWN: key.kind = Key::Kind::down; break;
      case KEY_PPAGE: key.kind = Key::Kind::page_up; break;
      case KEY_NPAGE: key.kind = Key::Kind::page_down; break;
      case KEY_HOME: key.kind = Key::Kind::home; break;
      case KEY_END: key.kind = Key::Kind::end; break;
      case KEY_ENTER: key.kind = Key::Kind::enter; break;
      case KEY_BTAB: key.kind = Key::Kind::back_tab; break;
      case KEY_BACKSPACE: key.kind = Key::Kind::backspace; break;
      case KEY_RESIZE:
        key.kind = Key::Kind::resize;
        repaint_all_ = true;
        break;
      default: break;
    }
    return key;
  }
  switch (code) {
    case '\n':
    case '\r': key.kind = Key::Kind::enter; break;
    case '\t': key.kind = Key::Kind::tab; break;
    case 27: key.kind = Key::Kind::escape; break;
    case 8:
    case 127: key.kind = Key::Kind::backspace; break;
    default:
      key.kind = Key::Kind::character;
      key.character = static_cast<char32_t>(code);
  }
  return key;
}

}  // namespace ainode::tui
