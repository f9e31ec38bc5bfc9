#include "http/http_get.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "ainode/build_info.hpp"
#include "dynlib/openssl_api.hpp"
#include "http/url_parser.hpp"

namespace ainode {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 64 * 1024;

// Runs one asynchronous operation on `io` to completion: the stream's
// expiry (set once, for the whole request) is what bounds it.
template <typename Start>
beast::error_code run_one(asio::io_context& io, Start&& start) {
  beast::error_code result;
  start([&result](beast::error_code error, auto&&...) { result = error; });
  io.restart();
  io.run();
  return result;
}

bool is_tls_error(const beast::error_code& error) {
  return error.category() == asio::error::get_ssl_category() || error == asio::ssl::error::stream_truncated ||
         error == asio::ssl::error::unspecified_system_error;
}

HttpGetAnswer failed(std::string code, const std::string& url, const std::string& what) {
  return {0, "", std::move(code), url + ": " + what};
}

// What a failed step becomes: the deadline, a refused or unreachable peer,
// TLS, or a malformed or oversized answer.
HttpGetAnswer failure(const beast::error_code& error, const std::string& url, const std::string& step,
                      std::chrono::milliseconds timeout) {
  if (error == beast::error::timeout) {
    return failed("timeout", url, "no answer within " + std::to_string(timeout.count()) + " ms (" + step + ")");
  }
  if (error == http::error::body_limit) return failed("too_large", url, "the answer exceeds the size limit");
  if (error == http::error::header_limit) return failed("too_large", url, "the answer's header exceeds 64 KiB");
  if (is_tls_error(error)) return failed("tls", url, step + ": " + error.message());
  if (step == "connect") return failed("connect", url, "cannot connect: " + error.message());
  return failed("protocol", url, step + ": " + error.message());
}

// The server's certificate must name the URL's host: its DNS name, or for
// an address literal its IP SAN (what curl and Go's client check).
void verify_host(SSL* ssl, const HttpUrl& url) {
  if (url.host_is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
  } else {
    SSL_set1_host(ssl, url.host.c_str());
    SSL_set_tlsext_host_name(ssl, url.host.c_str());
  }
}

template <typename Stream>
HttpGetAnswer exchange(asio::io_context& io, Stream& stream, const HttpUrl& url, const HttpGetRequest& request) {
  http::request<http::empty_body> get{http::verb::get, url.target, 11};
  get.set(http::field::host, host_header(url));
  get.set(http::field::user_agent, std::string("ainode/") + build::version);
  get.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) get.set(name, value);
  if (auto error = run_one(io, [&](auto handler) { http::async_write(stream, get, handler); })) {
    return failure(error, request.url, "send", request.timeout);
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(request.max_bytes);
  if (auto error = run_one(io, [&](auto handler) { http::async_read_header(stream, buffer, parser, handler); })) {
    return failure(error, request.url, "read", request.timeout);
  }
  // Boost 1.74's parser applies body_limit to chunked and close-delimited
  // bodies but lets a declared Content-Length past it: refused here, before
  // any of the body is read.
  if (parser.content_length() && *parser.content_length() > request.max_bytes) {
    return failure(http::error::body_limit, request.url, "read", request.timeout);
  }
  beast::error_code error = run_one(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  // A body delimited by the server's close ends there even when the TLS
  // peer closes without close_notify (Python's and many embedded servers
  // do; curl accepts it): Asio says stream_truncated, Beast needs the EOF.
  if (error == asio::ssl::error::stream_truncated && !parser.content_length() && !parser.chunked()) {
    error = {};
    parser.put_eof(error);
  }
  if (error) return failure(error, request.url, "read", request.timeout);
  return {static_cast<int>(parser.get().result_int()), std::move(parser.get().body()), "", ""};
}

HttpGetAnswer get_over_tls(asio::io_context& io, beast::tcp_stream& tcp_stream, const HttpUrl& url,
                           const HttpGetRequest& request) {
  std::string missing;
  if (!openssl_available(missing)) return failed("tls", request.url, missing);
  asio::ssl::context context(asio::ssl::context::tls_client);
  // Without this OpenSSL 3 calls a close without close_notify a protocol
  // error; exchange() accepts it only where the close delimits the body.
  // Content-Length and chunked answers are checked for truncation by Beast.
  context.set_options(SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                      SSL_OP_NO_TLSv1_1);
  beast::error_code error;
  if (request.insecure_skip_verify) {
    context.set_verify_mode(asio::ssl::verify_none);
  } else {
    context.set_verify_mode(asio::ssl::verify_peer);
    if (!request.ca_file.empty()) {
      context.load_verify_file(request.ca_file, error);
      if (error) return failed("tls", request.url, "cannot load the CA file " + request.ca_file + ": " + error.message());
    } else {
      context.set_default_verify_paths(error);
      if (error) return failed("tls", request.url, "no system CA certificates: " + error.message());
    }
  }
  asio::ssl::stream<beast::tcp_stream> stream(std::move(tcp_stream), context);
  if (!request.insecure_skip_verify) verify_host(stream.native_handle(), url);
  if (auto failure_code = run_one(io, [&](auto handler) { stream.async_handshake(asio::ssl::stream_base::client, handler); })) {
    HttpGetAnswer answer = failure(failure_code, request.url, "TLS handshake", request.timeout);
    long verify = SSL_get_verify_result(stream.native_handle());
    if (answer.error_code == "tls" && verify != X509_V_OK) {
      answer.error += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
    }
    return answer;
  }
  return exchange(io, stream, url, request);
}

}  // namespace

HttpGetAnswer http_get(const HttpGetRequest& request) {
  std::string url_error;
  std::optional<HttpUrl> url = parse_http_url(request.url, url_error);
  if (!url) return failed("url", request.url, url_error);
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(request.timeout);
  // Blocking getaddrinfo: immediate for an address literal, which is what
  // the kubelet's URL holds (the node's IP); for a name, the resolver's own
  // timeouts bound it, on the caller's thread, which is its own.
  beast::error_code error;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(url->host, url->port, tcp::resolver::numeric_service, error);
  if (error) return failed("connect", request.url, "cannot resolve " + url->host + ": " + error.message());
  if (auto connect_error = run_one(io, [&](auto handler) { stream.async_connect(endpoints, handler); })) {
    return failure(connect_error, request.url, "connect", request.timeout);
  }
  if (url->tls) return get_over_tls(io, stream, *url, request);
  return exchange(io, stream, *url, request);
}

}  // namespace ainode
