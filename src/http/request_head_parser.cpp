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

RequestHeadParser::RequestHeadParser(std::size_t max_bytes, std::size_t max_fields, std::size_t max_body_bytes)
    : bytes_left_(max_bytes), fields_left_(max_fields), max_body_bytes_(max_body_bytes) {
  // A request line or field that has not fully arrived is still bounded by
  // Beast's own check on what sits unparsed in the buffer.
  header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(max_bytes, std::numeric_limits<std::uint32_t>::max())));
  // A Content-Length above this fails as soon as the head is read; a
  // chunked body is counted as its chunks arrive (on_chunk_body_impl).
  body_limit(max_body_bytes);
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
  request_line_done_ = true;
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
  if (name == http::field::host) ++host_fields_;
  // Beast has no enum value for Last-Event-ID (Server-Sent Events).
  if (name == http::field::unknown && boost::beast::iequals(name_string, "last-event-id")) {
    last_event_id_.assign(value.data(), value.size());
  }
}

// RFC 9112, 3.2: a server must answer 400 to an HTTP/1.1 request that
// lacks a Host field or has more than one.
void RequestHeadParser::on_header_impl(error_code& error) {
  if (version_ == 11 && host_fields_ != 1) error = http::error::bad_value;
}

std::size_t RequestHeadParser::on_body_impl(string_view body, error_code& error) {
  if (body.size() > max_body_bytes_ - body_.size()) {
    error = http::error::body_limit;
    return 0;
  }
  body_.append(body.data(), body.size());
  return body.size();
}

void RequestHeadParser::on_chunk_header_impl(std::uint64_t size, string_view, error_code& error) {
  if (size > max_body_bytes_ - body_.size()) error = http::error::body_limit;
}

std::size_t RequestHeadParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& error) {
  return on_body_impl(body, error);
}

bool names_unsupported_version(std::string_view data) {
  auto end = data.find("\r\n");
  if (end == std::string_view::npos) return false;
  std::string_view line = data.substr(0, end);
  auto first_space = line.find(' ');
  auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == 0 || last_space <= first_space + 1) return false;
  std::string_view version = line.substr(last_space + 1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (version.size() != 8 || !version.starts_with("HTTP/") || !digit(version[5]) || version[6] != '.' ||
      !digit(version[7])) {
    return false;
  }
  return version != "HTTP/1.0" && version != "HTTP/1.1";
}

}  // namespace ainode
