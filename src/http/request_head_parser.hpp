#pragma once
// Parses one request head (request line and fields) and refuses any body.
//
// Beast's own header_limit (Boost 1.74) bounds only what sits unparsed in
// the buffer: fields that arrive one per read are consumed as they come, so
// a client pacing its writes could stream megabytes of header into a stored
// field list. This parser counts every byte and field it is handed, across
// reads, and keeps only the few values the server passes on, so a
// connection holds its read buffer and a few bounded strings, nothing more.
#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <string>

namespace ainode {

class RequestHeadParser : public boost::beast::http::basic_parser<true> {
 public:
  // Past max_bytes (request line plus fields, as parsed: optional whitespace
  // around values is not counted) or max_fields fields, parsing stops with
  // http::error::header_limit. Any body byte stops it with
  // http::error::body_limit.
  RequestHeadParser(std::size_t max_bytes, std::size_t max_fields);

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
  std::string& last_event_id() { return last_event_id_; }

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                       boost::beast::string_view target, int version, boost::beast::error_code& error) override;
  void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& error) override;
  void on_header_impl(boost::beast::error_code&) override {}
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
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::string method_string_;
  std::string target_;
  unsigned version_ = 11;
  std::string accept_;
  std::string accept_encoding_;
  std::string authorization_;
  std::string last_event_id_;
};

}  // namespace ainode
