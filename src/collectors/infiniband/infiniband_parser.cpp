#include "collectors/infiniband/infiniband_parser.hpp"

#include <cctype>

#include "core/text.hpp"

namespace ainode {

std::optional<IbState> parse_ib_state(std::string_view text) {
  auto kv = text::split_key_value(text::trim(text), ':');
  if (!kv) return std::nullopt;
  auto code = text::to_i64(kv->key);
  if (!code || *code < 0 || *code > 255 || kv->value.empty()) return std::nullopt;
  return IbState{static_cast<int>(*code), std::string(kv->value)};
}

std::optional<double> parse_ib_rate_bytes(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.size() < 2 || fields[1] != "Gb/sec") return std::nullopt;
  auto gigabits = text::to_double(fields[0]);
  if (!gigabits || *gigabits < 0) return std::nullopt;
  return *gigabits * 1e9 / 8.0;
}

std::optional<std::uint64_t> parse_ib_counter(std::string_view text) { return text::to_u64(text::trim(text)); }

std::string sanitize_counter_name(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  return out;
}

}  // namespace ainode
