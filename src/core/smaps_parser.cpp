#include "core/smaps_parser.hpp"

#include <charconv>
#include <optional>

namespace ainode {

namespace {

std::optional<std::uintptr_t> hex(std::string_view text) {
  std::uintptr_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// "Rss:                 124 kB" -> 124, for the key given ("Rss:").
std::optional<std::uint64_t> kib_field(std::string_view line, std::string_view key) {
  if (!line.starts_with(key)) return std::nullopt;
  line.remove_prefix(key.size());
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), value);
  if (error != std::errc() || end == line.data()) return std::nullopt;
  if (std::string_view(end, static_cast<std::size_t>(line.data() + line.size() - end)) != " kB") return std::nullopt;
  return value;
}

// The next whitespace-separated word of `line`, consumed.
std::string_view word(std::string_view& line) {
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  auto space = line.find(' ');
  std::string_view out = line.substr(0, space);
  line.remove_prefix(space == std::string_view::npos ? line.size() : space);
  return out;
}

struct Entry {
  CodeMapping mapping;
  bool candidate = false;
  std::optional<std::uint64_t> anonymous_kib;
};

// "7f12-7f34 r-xp 00001000 fd:01 1234   /usr/lib/libc.so.6" -> true and
// `entry` filled; false when the line is not a mapping header.
bool header(std::string_view line, Entry& entry) {
  std::string_view rest = line;
  std::string_view range = word(rest), perms = word(rest), offset = word(rest), device = word(rest), inode = word(rest);
  auto dash = range.find('-');
  if (dash == std::string_view::npos || perms.size() != 4 || offset.empty() || device.empty() || inode.empty()) {
    return false;
  }
  auto start = hex(range.substr(0, dash)), end = hex(range.substr(dash + 1));
  if (!start || !end || *end <= *start) return false;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  entry = Entry{};
  entry.mapping.start = *start;
  entry.mapping.end = *end;
  entry.mapping.path = std::string(rest);
  entry.candidate = (perms == "r-xp" || perms == "r--p") && rest.starts_with('/') && !rest.ends_with(" (deleted)");
  return true;
}

}  // namespace

std::vector<CodeMapping> parse_releasable_code_mappings(std::string_view smaps) {
  std::vector<CodeMapping> out;
  Entry current, next;
  bool in_entry = false;
  auto finish = [&] {
    if (in_entry && current.candidate && current.anonymous_kib == 0u) out.push_back(std::move(current.mapping));
    in_entry = false;
  };
  while (!smaps.empty()) {
    auto newline = smaps.find('\n');
    std::string_view line = smaps.substr(0, newline);
    smaps.remove_prefix(newline == std::string_view::npos ? smaps.size() : newline + 1);
    if (header(line, next)) {
      finish();
      current = std::move(next);
      in_entry = true;
    } else if (in_entry) {
      if (auto rss = kib_field(line, "Rss:")) current.mapping.resident_kib = *rss;
      if (auto anonymous = kib_field(line, "Anonymous:")) current.anonymous_kib = *anonymous;
    }
  }
  finish();
  return out;
}

}  // namespace ainode
