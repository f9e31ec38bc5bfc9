#pragma once
// What a screen draws: lines of text spans, each with a tone (good, warn,
// bad, ...). Screens build pages as plain data from the agent's state, so
// every screen is testable as text; the terminal layer alone turns tones
// into colours or attributes (256, 16 colours, monochrome).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode::tui {

enum class Tone { normal, dim, heading, good, warn, bad, accent, selected };

struct Span {
  std::string text;
  Tone tone = Tone::normal;
};

struct Line {
  std::vector<Span> spans;
};

class Page {
 public:
  Page(std::size_t width, bool unicode) : width_(width), unicode_(unicode) {}

  std::size_t width() const { return width_; }
  bool unicode() const { return unicode_; }
  const std::vector<Line>& lines() const { return lines_; }

  // Starts a new line; add() appends to the current one (clipped at width).
  Page& line();
  Page& add(std::string_view text, Tone tone = Tone::normal);
  // add() padded (or cut) to exactly `cells`.
  Page& cell(std::string_view text, std::size_t cells, Tone tone = Tone::normal, bool right = false);
  // A heading line ("── GPUs ──────" / "-- GPUs ------").
  Page& section(std::string_view title);
  std::size_t used() const;  // cells on the current line
  // Marks the current line as the one the view must keep on screen (the
  // selected row).
  Page& focus();
  std::optional<std::size_t> focus_line() const { return focus_; }

 private:
  std::size_t width_;
  bool unicode_;
  std::vector<Line> lines_;
  std::optional<std::size_t> focus_;
};

// The page as a person would read it, one line per row (tests, goldens).
std::string page_text(const Page& page);

}  // namespace ainode::tui
