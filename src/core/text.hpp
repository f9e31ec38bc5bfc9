#pragma once
// Small, allocation-free helpers shared by every kernel-text parser. Parsers
// are pure functions on std::string_view (docs/architecture.md) and report bad input
// by throwing ParseError with a message that says what was wrong.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace text {

std::string_view trim(std::string_view s);

// Splits on '\n'; the last line need not end with one. No empty trailing line.
std::vector<std::string_view> lines(std::string_view s);

// Splits on runs of spaces and tabs; no empty fields.
std::vector<std::string_view> fields(std::string_view s);

// The first out.size() fields of s (as fields() splits them) into out,
// without allocating; returns how many there were, at most out.size().
std::size_t leading_fields(std::string_view s, std::span<std::string_view> out);

// Splits on every occurrence of `separator` (empty fields kept).
std::vector<std::string_view> split(std::string_view s, char separator);

// "a, b,,c " -> {"a", "b", "c"}: a comma-separated setting, items trimmed, empties dropped.
std::vector<std::string> split_list(std::string_view s);

// Strict whole-string number parsing: nullopt on anything but a number.
std::optional<std::uint64_t> to_u64(std::string_view s);
std::optional<std::int64_t> to_i64(std::string_view s);
std::optional<double> to_double(std::string_view s);

// Same, but throw ParseError naming `what` on failure.
std::uint64_t require_u64(std::string_view s, std::string_view what);
std::int64_t require_i64(std::string_view s, std::string_view what);
double require_double(std::string_view s, std::string_view what);

// "key: value" / "key value" helpers: splits at the first `separator`.
struct KeyValue {
  std::string_view key;
  std::string_view value;
};
std::optional<KeyValue> split_key_value(std::string_view line, char separator);

// Kernel paths in /proc/mounts and similar escape space, tab, newline and
// backslash as octal (\040); this undoes that.
std::string unescape_octal(std::string_view s);

}  // namespace text
}  // namespace ainode
