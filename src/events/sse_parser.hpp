#pragma once
// Incremental parser of a text/event-stream (the client side of
// GET /v1/events: `ainode events`, the TUI). Follows the WHATWG
// "event stream interpretation": lines end in LF, CR or CRLF; ':' starts a
// comment; "data" lines join with LF; a blank line dispatches; unknown
// fields are ignored. Bounded: a line longer than max_line_bytes is an error
// (a hostile or broken server cannot make the client buffer without end).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

struct SseMessage {
  std::string id;     // "" when the message had no id line
  std::string event;  // "message" when none was given
  std::string data;
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_line_bytes = 1 << 20) : max_line_bytes_(max_line_bytes) {}
  // Feeds the next bytes; returns the messages they completed. After an
  // error (see error()) it returns nothing more.
  std::vector<SseMessage> feed(std::string_view bytes);
  const std::string& error() const { return error_; }
  const std::string& last_event_id() const { return last_event_id_; }
  std::optional<long> retry_ms() const { return retry_ms_; }

 private:
  void line(std::string_view text, std::vector<SseMessage>& out);

  std::size_t max_line_bytes_;
  std::string partial_;
  bool skip_lf_ = false;  // the previous chunk ended in CR
  std::string id_, event_, data_;
  bool has_data_ = false;
  std::string last_event_id_;
  std::optional<long> retry_ms_;
  std::string error_;
};

}  // namespace ainode
