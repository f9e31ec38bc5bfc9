#include "collectors/app/exposition_parser.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>

namespace ainode {

namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

class LineReader {
 public:
  explicit LineReader(std::string_view line) : line_(line) {}
  bool done() const { return at_ >= line_.size(); }
  char peek() const { return done() ? '\0' : line_[at_]; }
  void skip_spaces() {
    while (!done() && (line_[at_] == ' ' || line_[at_] == '\t')) ++at_;
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  std::optional<std::string> name(bool allow_colon) {
    std::size_t start = at_;
    if (done() || !name_start(line_[at_]) || (!allow_colon && line_[at_] == ':')) return std::nullopt;
    while (!done() && name_char(line_[at_]) && (allow_colon || line_[at_] != ':')) ++at_;
    return std::string(line_.substr(start, at_ - start));
  }
  std::optional<std::string> quoted() {
    if (!consume('"')) return std::nullopt;
    std::string out;
    while (!done()) {
      char c = line_[at_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (done()) return std::nullopt;
      char escaped = line_[at_++];
      if (escaped == 'n') out.push_back('\n');
      else if (escaped == '\\' || escaped == '"') out.push_back(escaped);
      else return std::nullopt;
    }
    return std::nullopt;
  }
  std::string_view token() {
    std::size_t start = at_;
    while (!done() && line_[at_] != ' ' && line_[at_] != '\t') ++at_;
    return line_.substr(start, at_ - start);
  }

 private:
  std::string_view line_;
  std::size_t at_ = 0;
};

std::optional<double> parse_value(std::string_view text) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf" || text == "Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);  // strtod needs a terminator; from_chars rejects "+1"
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  // strtod also reads "nan(...)", "infinity", hex floats: not exposition values.
  for (char c : copy) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
  }
  return value;
}

std::optional<ExpositionSample> parse_line(std::string_view line) {
  LineReader reader(line);
  ExpositionSample sample;
  auto name = reader.name(true);
  if (!name) return std::nullopt;
  sample.name = std::move(*name);
  reader.skip_spaces();
  if (reader.consume('{')) {
    while (true) {
      reader.skip_spaces();
      if (reader.consume('}')) break;
      auto label = reader.name(false);
      if (!label) return std::nullopt;
      reader.skip_spaces();
      if (!reader.consume('=')) return std::nullopt;
      reader.skip_spaces();
      auto value = reader.quoted();
      if (!value) return std::nullopt;
      sample.labels.emplace_back(std::move(*label), std::move(*value));
      reader.skip_spaces();
      if (reader.consume(',')) continue;
      if (reader.consume('}')) break;
      return std::nullopt;
    }
  }
  reader.skip_spaces();
  auto value = parse_value(reader.token());
  if (!value) return std::nullopt;
  sample.value = *value;
  reader.skip_spaces();
  // Optional timestamp, then an optional OpenMetrics exemplar "# {...} v [ts]".
  if (!reader.done() && reader.peek() != '#') {
    if (!parse_value(reader.token())) return std::nullopt;
    reader.skip_spaces();
  }
  if (!reader.done() && reader.peek() != '#') return std::nullopt;
  return sample;
}

}  // namespace

const std::string* ExpositionSample::label(std::string_view wanted) const {
  for (const auto& [name, value] : labels) {
    if (name == wanted) return &value;
  }
  return nullptr;
}

ParsedExposition parse_exposition(std::string_view text, std::size_t max_samples) {
  ParsedExposition out;
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (line == "# EOF") break;
      continue;
    }
    if (out.samples.size() >= max_samples) {
      out.truncated = true;
      break;
    }
    if (auto sample = parse_line(line)) {
      out.samples.push_back(std::move(*sample));
    } else {
      ++out.malformed_lines;
    }
  }
  return out;
}

}  // namespace ainode
