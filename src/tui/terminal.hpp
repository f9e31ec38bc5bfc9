#pragma once
// The only code that talks to the terminal, through ncurses: colours for
// the page tones (256, 16 or none), UTF-8 or ASCII, keys, resize. The
// destructor restores the terminal (also on an exception).
#include <cstddef>
#include <string>

#include "tui/keys.hpp"
#include "tui/page.hpp"

namespace ainode::tui {

enum class ColorMode { none, basic16, color256 };

// --color auto|256|16|none; NO_COLOR (https://no-color.org, any non-empty
// value) wins over auto; auto follows the terminal's colour count.
// Returns nullopt for an unknown flag value.
std::optional<ColorMode> choose_color_mode(const std::string& flag, const char* no_color, int terminal_colors);

class Terminal {
 public:
  // Sets the locale from the environment (for UTF-8) and starts curses.
  Terminal(const std::string& color_flag, bool force_ascii);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  bool unicode() const { return unicode_; }
  ColorMode color_mode() const { return color_mode_; }
  std::size_t width() const;
  std::size_t height() const;
  void draw(const Page& page);
  // Waits at most timeout_ms for a key (Kind::none when none came).
  Key read_key(int timeout_ms);
  void close();  // endwin now (idempotent)

 private:
  int attributes(Tone tone) const;

  bool unicode_ = false;
  ColorMode color_mode_ = ColorMode::none;
  bool open_ = false;
  bool repaint_all_ = false;  // after a resize: what the terminal shows is not what ncurses thinks
};

}  // namespace ainode::tui
