#pragma once
// Parses one request: the head (request line and fields) and a body of at
// most max_body_bytes, which it keeps.
//
// Beast's own header_limit (Boost 1.74) bounds only what sits unparsed in
// the buffer: fields that arrive one per read are consumed as they come, so
// a client pacing its writes could stream megabytes of header into a stored
// field list. This parser counts every byte and field it is handed, across
// reads, and keeps only the values the server passes on, so a connection
// holds its read buffer, a few bounded strings and a bounded body.
#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace ainode {

class RequestHeadParser : public boost::beast::http::basic_parser<true> {
 public:
  // Past max_bytes (request line plus fields, as parsed: optional whitespace
  // around values is not counted) or max_fields fields, parsing stops with
  // http::error::header_limit. A body (Content-Length or chunked) longer
  // than max_body_bytes stops it with http::error::body_limit. An HTTP/1.1
  // request without exactly one Host field, or a version other than 1.0 and
  // 1.1, stops it with http::error::bad_value / bad_version (see
  // names_unsupported_version() to tell a version from garbage).
  RequestHeadParser(std::size_t max_bytes, std::size_t max_fields, std::size_t max_body_bytes);

  // Valid once is_header_done(). Accept and Accept-Encoding sent on several
  // lines come back joined with ", ". Non-const so the session can move the
  // strings out instead of copying them.
  boost::beast::http::verb method() const { return method_; }
  std::string& method_string() { return method_string_; }
  std::string& target() { return target_; }
  unsigned version() const { return version_; }
  std::string& accept() { return accept_; }
  std::string& accept_encoding() { return accept_encoding_; }
  std::string& authorization() { return authorization_; }
  std::string& body() { return body_; }
  std::string& last_event_id() { return last_event_id_; }

  // Why parsing stopped, when the error code alone is ambiguous.
  bool request_line_done() const { return request_line_done_; }  // false: a limit hit inside the request line (414)

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                       boost::beast::string_view target, int version, boost::beast::error_code& error) override;
  void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& error) override;
  void on_header_impl(boost::beast::error_code& error) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, boost::beast::error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& error) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view, boost::beast::error_code& error) override;
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 boost::beast::error_code& error) override;
  void on_finish_impl(boost::beast::error_code&) override {}

  // Counts `bytes` against the budget; false (and header_limit) once spent.
  bool charge(std::size_t bytes, boost::beast::error_code& error);

  std::size_t bytes_left_;
  std::size_t fields_left_;
  std::size_t max_body_bytes_;
  std::size_t host_fields_ = 0;
  bool request_line_done_ = false;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::string method_string_;
  std::string target_;
  unsigned version_ = 11;
  std::string accept_;
  std::string accept_encoding_;
  std::string authorization_;
  std::string body_;
  std::string last_event_id_;
};

// Whether `data` starts with a well-formed request line whose version is
// HTTP/d.d but neither 1.0 nor 1.1 ("GET / HTTP/9.9\r\n"): Beast refuses
// both that and garbage as bad_version, and only the first deserves 505.
bool names_unsupported_version(std::string_view data);

}  // namespace ainode
