#include "http/request_head_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/core/string.hpp>
#include <algorithm>
#include <limits>

namespace ainode {

namespace http = boost::beast::http;
using boost::beast::error_code;
using boost::beast::string_view;

namespace {

// Separators the parser strips before handing us the pieces: "GET /x HTTP/1.1\r\n"
// is method, target and these; "Name: value\r\n" is name, value and these.
constexpr std::size_t request_line_overhead = 2 + 8 + 2;  // two spaces, "HTTP/1.1", CRLF
constexpr std::size_t field_overhead = 2 + 2;             // ": ", CRLF

// A list field sent on several lines means the same as one line with the
// values joined by commas (RFC 9110, 5.3).
void append_list_value(std::string& list, string_view value) {
  if (!list.empty()) list += ", ";
  list.append(value.data(), value.size());
}

}  // namespace

RequestHeadParser::RequestHeadParser(std::size_t max_bytes, std::size_t max_fields)
    : bytes_left_(max_bytes), fields_left_(max_fields) {
  // A request line or field that has not fully arrived is still bounded by
  // Beast's own check on what sits unparsed in the buffer.
  header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(max_bytes, std::numeric_limits<std::uint32_t>::max())));
  body_limit(0);  // a Content-Length above zero fails as soon as the head is read
}

bool RequestHeadParser::charge(std::size_t bytes, error_code& error) {
  if (bytes > bytes_left_) {
    error = http::error::header_limit;
    return false;
  }
  bytes_left_ -= bytes;
  return true;
}

void RequestHeadParser::on_request_impl(http::verb method, string_view method_string, string_view target, int version,
                                        error_code& error) {
  if (!charge(method_string.size() + target.size() + request_line_overhead, error)) return;
  method_ = method;
  method_string_.assign(method_string.data(), method_string.size());
  target_.assign(target.data(), target.size());
  version_ = static_cast<unsigned>(version);
}

// Required by the base class; a request parser never sees a status line.
void RequestHeadParser::on_response_impl(int, string_view, int, error_code&) {}

void RequestHeadParser::on_field_impl(http::field name, string_view name_string, string_view value, error_code& error) {
  if (fields_left_ == 0) {
    error = http::error::header_limit;
    return;
  }
  --fields_left_;
  if (!charge(name_string.size() + value.size() + field_overhead, error)) return;
  if (name == http::field::accept) append_list_value(accept_, value);
  if (name == http::field::accept_encoding) append_list_value(accept_encoding_, value);
  if (name == http::field::authorization) authorization_.assign(value.data(), value.size());
  // Beast has no enum value for Last-Event-ID (Server-Sent Events).
  if (name == http::field::unknown && boost::beast::iequals(name_string, "last-event-id")) {
    last_event_id_.assign(value.data(), value.size());
  }
}

std::size_t RequestHeadParser::on_body_impl(string_view body, error_code& error) {
  if (!body.empty()) error = http::error::body_limit;
  return 0;
}

void RequestHeadParser::on_chunk_header_impl(std::uint64_t size, string_view, error_code& error) {
  if (size > 0) error = http::error::body_limit;
}

std::size_t RequestHeadParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& error) {
  if (!body.empty()) error = http::error::body_limit;
  return 0;
}

}  // namespace ainode
