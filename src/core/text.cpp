#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace ainode::text {

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The splitters allocate once: parsers run on every file of every cycle,
// and growing the vector one push_back at a time cost ~7 allocations for a
// /proc/<pid>/stat line (50 fields) or a /proc/vmstat (170 lines). lines()
// and split() count first (memchr-fast); fields() reserves instead.
std::vector<std::string_view> lines(std::string_view s) {
  std::size_t count = 0;
  for (std::string_view rest = s; !rest.empty(); ++count) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) end = rest.size() - 1;
    rest.remove_prefix(end + 1);
  }
  std::vector<std::string_view> out;
  out.reserve(count);
  while (!s.empty()) {
    auto end = s.find('\n');
    if (end == std::string_view::npos) {
      out.push_back(s);
      break;
    }
    out.push_back(s.substr(0, end));
    s.remove_prefix(end + 1);
  }
  return out;
}

namespace {
bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Calls piece(start, length) for each run of non-blanks while it returns true.
template <typename Piece>
void for_each_field(std::string_view s, Piece piece) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_blank(s[i])) ++i;
    if (i > start && !piece(start, i - start)) return;
  }
}
}  // namespace

std::vector<std::string_view> fields(std::string_view s) {
  // One scan, one allocation for up to 64 fields: counting them first cost
  // more (a second character-by-character scan) than the growth it saved.
  std::vector<std::string_view> out;
  out.reserve(std::min<std::size_t>(s.size() / 2 + 1, 64));
  for_each_field(s, [&](std::size_t start, std::size_t length) {
    out.push_back(s.substr(start, length));
    return true;
  });
  return out;
}

std::size_t leading_fields(std::string_view s, std::span<std::string_view> out) {
  std::size_t count = 0;
  if (out.empty()) return 0;
  for_each_field(s, [&](std::size_t start, std::size_t length) {
    out[count++] = s.substr(start, length);
    return count < out.size();
  });
  return count;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> out;
  out.reserve(static_cast<std::size_t>(std::count(s.begin(), s.end(), separator)) + 1);
  for (;;) {
    auto end = s.find(separator);
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

template <typename T>
static std::optional<T> parse_integer(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  T value{};
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || error != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> to_u64(std::string_view s) { return parse_integer<std::uint64_t>(s); }
std::optional<std::int64_t> to_i64(std::string_view s) { return parse_integer<std::int64_t>(s); }

std::optional<double> to_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || error != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

static std::string describe(std::string_view s, std::string_view what) {
  constexpr std::size_t kShown = 40;
  std::string shown(s.substr(0, kShown));
  if (s.size() > kShown) shown += "...";
  return "invalid " + std::string(what) + ": '" + shown + "'";
}

std::uint64_t require_u64(std::string_view s, std::string_view what) {
  if (auto v = to_u64(s)) return *v;
  throw ParseError(describe(s, what));
}
std::int64_t require_i64(std::string_view s, std::string_view what) {
  if (auto v = to_i64(s)) return *v;
  throw ParseError(describe(s, what));
}
double require_double(std::string_view s, std::string_view what) {
  if (auto v = to_double(s)) return *v;
  throw ParseError(describe(s, what));
}

std::optional<KeyValue> split_key_value(std::string_view line, char separator) {
  auto at = line.find(separator);
  if (at == std::string_view::npos) return std::nullopt;
  return KeyValue{trim(line.substr(0, at)), trim(line.substr(at + 1))};
}

std::string unescape_octal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto digit = [](char c) { return c >= '0' && c <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size() && digit(s[i + 1]) && digit(s[i + 2]) && digit(s[i + 3])) {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> items;
  for (auto item : split(s, ',')) {
    if (auto trimmed = trim(item); !trimmed.empty()) items.emplace_back(trimmed);
  }
  return items;
}

}  // namespace ainode::text
