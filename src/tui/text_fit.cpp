#include "tui/text_fit.hpp"

#include <algorithm>

namespace ainode::tui {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Byte length of the longest prefix of `text` that is at most `cells` wide.
std::size_t prefix_bytes(std::string_view text, std::size_t cells) {
  std::size_t bytes = 0, seen = 0;
  while (bytes < text.size()) {
    if (!is_continuation(static_cast<unsigned char>(text[bytes]))) {
      if (seen == cells) break;
      ++seen;
    }
    ++bytes;
  }
  return bytes;
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return !is_continuation(static_cast<unsigned char>(c)); }));
}

std::string truncate_to_width(std::string_view text, std::size_t width, bool unicode) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string cut(text.substr(0, prefix_bytes(text, width - 1)));
  return cut + (unicode ? "…" : "~");
}

std::string pad_right(std::string_view text, std::size_t width, bool unicode) {
  std::string out = truncate_to_width(text, width, unicode);
  out.append(width - display_width(out), ' ');
  return out;
}

std::string pad_left(std::string_view text, std::size_t width, bool unicode) {
  std::string out = truncate_to_width(text, width, unicode);
  return std::string(width - display_width(out), ' ') + out;
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width, bool unicode) {
  std::vector<std::string> lines;
  std::string current;
  while (!text.empty()) {
    std::size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    std::size_t end = text.find(' ');
    std::string_view word = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    std::size_t needed = display_width(current) + (current.empty() ? 0 : 1) + display_width(word);
    if (!current.empty() && needed > width) {
      lines.push_back(std::move(current));
      current.clear();
    }
    if (!current.empty()) current += ' ';
    current += truncate_to_width(word, width, unicode);
  }
  if (!current.empty() || lines.empty()) lines.push_back(std::move(current));
  return lines;
}

std::vector<std::size_t> fit_columns(const std::vector<ColumnSpec>& columns, std::size_t total) {
  std::vector<std::size_t> widths(columns.size(), 0);
  std::size_t used = 0, shown = 0;
  for (; shown < columns.size(); ++shown) {
    std::size_t need = columns[shown].min + (shown == 0 ? 0 : 1);
    if (used + need > total) break;
    widths[shown] = columns[shown].min;
    used += need;
  }
  for (std::size_t i = 0; i < shown; ++i) {
    std::size_t grow = std::min(columns[i].preferred > widths[i] ? columns[i].preferred - widths[i] : 0, total - used);
    widths[i] += grow;
    used += grow;
  }
  std::size_t flexible = 0;
  for (std::size_t i = 0; i < shown; ++i) flexible += columns[i].flexible ? 1 : 0;
  if (flexible > 0) {
    std::size_t spare = total - used, share = spare / flexible, extra = spare % flexible;
    for (std::size_t i = 0; i < shown; ++i) {
      if (!columns[i].flexible) continue;
      widths[i] += share + (extra > 0 ? 1 : 0);
      if (extra > 0) --extra;
    }
  }
  return widths;
}

}  // namespace ainode::tui
