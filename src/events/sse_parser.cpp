#include "events/sse_parser.hpp"

#include <charconv>

namespace ainode {

std::vector<SseMessage> SseParser::feed(std::string_view bytes) {
  std::vector<SseMessage> out;
  if (!error_.empty()) return out;
  for (char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      line(partial_, out);
      partial_.clear();
      continue;
    }
    if (partial_.size() >= max_line_bytes_) {
      error_ = "event stream line longer than " + std::to_string(max_line_bytes_) + " bytes";
      return out;
    }
    partial_ += c;
  }
  return out;
}

void SseParser::line(std::string_view text, std::vector<SseMessage>& out) {
  if (text.empty()) {
    if (has_data_) {
      if (!data_.empty() && data_.back() == '\n') data_.pop_back();
      out.push_back(SseMessage{id_, event_.empty() ? "message" : event_, std::move(data_)});
    }
    // The id persists across messages (it is the stream's last event id);
    // event type and data do not.
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // comment (heartbeat)
  auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    data_.append(value);
    data_ += '\n';
    has_data_ = true;
  } else if (field == "event") {
    event_ = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) {
      id_ = value;
      last_event_id_ = id_;
    }
  } else if (field == "retry") {
    long ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (error == std::errc{} && end == value.data() + value.size() && !value.empty()) retry_ms_ = ms;
  }
}

}  // namespace ainode
