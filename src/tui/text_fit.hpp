#pragma once
// Fitting text into terminal cells: display width of UTF-8 text, truncation
// with an ellipsis, padding, and sharing a line's width between columns.
// Pure functions, tested on strings; the screens build every line with them.
//
// Width counts code points (each one cell): the TUI's own glyphs (blocks,
// box lines) are one cell wide, and names from the agent (pods, processes)
// are almost always ASCII. A wide CJK character would count one and draw two.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ainode::tui {

std::size_t display_width(std::string_view utf8);

// At most `width` cells; a cut text ends in "…" (UTF-8) or "~" (ASCII).
std::string truncate_to_width(std::string_view text, std::size_t width, bool unicode);
// Exactly `width` cells: truncated, then padded with spaces.
std::string pad_right(std::string_view text, std::size_t width, bool unicode);
std::string pad_left(std::string_view text, std::size_t width, bool unicode);

// Words of `text` on lines of at most `width` cells (a longer word is cut).
std::vector<std::string> wrap_words(std::string_view text, std::size_t width, bool unicode);

struct ColumnSpec {
  std::size_t min = 1;        // never narrower (the column is dropped instead)
  std::size_t preferred = 1;  // what it gets when there is room
  bool flexible = false;      // takes the room left over (names, messages)
};

// Widths for the columns on a line of `total` cells with one space between
// columns. Every column first gets its minimum, in order, while it fits (a
// column that does not fit gets 0: hidden, as are all after it); then
// columns grow to their preferred width in order; what is left goes to the
// flexible columns, shared equally.
std::vector<std::size_t> fit_columns(const std::vector<ColumnSpec>& columns, std::size_t total);

}  // namespace ainode::tui
