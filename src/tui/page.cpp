#include "tui/page.hpp"

#include "tui/text_fit.hpp"

namespace ainode::tui {

Page& Page::line() {
  lines_.emplace_back();
  return *this;
}

Page& Page::focus() {
  if (lines_.empty()) line();
  focus_ = lines_.size() - 1;
  return *this;
}

std::size_t Page::used() const {
  if (lines_.empty()) return 0;
  std::size_t cells = 0;
  for (const auto& span : lines_.back().spans) cells += display_width(span.text);
  return cells;
}

Page& Page::add(std::string_view text, Tone tone) {
  if (lines_.empty()) line();
  std::size_t room = width_ - std::min(width_, used());
  if (room == 0 || text.empty()) return *this;
  std::string fitted = display_width(text) <= room ? std::string(text) : truncate_to_width(text, room, unicode_);
  lines_.back().spans.push_back(Span{std::move(fitted), tone});
  return *this;
}

Page& Page::cell(std::string_view text, std::size_t cells, Tone tone, bool right) {
  if (cells == 0) return *this;
  return add(right ? pad_left(text, cells, unicode_) : pad_right(text, cells, unicode_), tone);
}

Page& Page::section(std::string_view title) {
  std::string rule = unicode_ ? "─" : "-";
  std::string text = rule + rule + " " + std::string(title) + " ";
  line().add(text, Tone::heading);
  std::string rest;
  for (std::size_t i = used(); i < width_; ++i) rest += rule;
  return add(rest, Tone::dim);
}

std::string page_text(const Page& page) {
  std::string out;
  for (const auto& line : page.lines()) {
    std::string row;
    for (const auto& span : line.spans) row += span.text;
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  return out;
}

}  // namespace ainode::tui
