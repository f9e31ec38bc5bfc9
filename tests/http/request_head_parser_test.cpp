#include "http/request_head_parser.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <initializer_list>
#include <string>

using namespace ainode;
namespace http = boost::beast::http;
using boost::beast::error_code;

namespace {

// Feeds the pieces as successive reads, the way Beast's read loop does:
// what the parser consumes leaves the buffer, the rest waits for more.
error_code feed(RequestHeadParser& parser, std::initializer_list<std::string> pieces) {
  std::string buffer;
  error_code error;
  for (const auto& piece : pieces) {
    buffer += piece;
    while (!buffer.empty() && !parser.is_done()) {
      std::size_t used = parser.put(boost::asio::buffer(buffer), error);
      buffer.erase(0, used);
      if (error || used == 0) break;
    }
    if (error && error != http::error::need_more) return error;
  }
  return parser.is_done() ? error_code{} : error;
}

}  // namespace

TEST(RequestHeadParser, KeepsMethodTargetVersionAndPreferenceLists) {
  RequestHeadParser parser(8192, 64, 64);
  EXPECT_FALSE(feed(parser, {"HEAD /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\n"
                             "Accept-Encoding: gzip\r\nX-Other: ignored\r\n\r\n"}));
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.method(), http::verb::head);
  EXPECT_EQ(parser.method_string(), "HEAD");
  EXPECT_EQ(parser.target(), "/metrics?x=1");
  EXPECT_EQ(parser.version(), 11u);
  EXPECT_EQ(parser.accept(), "text/plain");
  EXPECT_EQ(parser.accept_encoding(), "gzip");
  EXPECT_TRUE(parser.keep_alive());
}

TEST(RequestHeadParser, Http10ClosesUnlessAskedAndUnknownMethodsPassThrough) {
  RequestHeadParser old(8192, 64, 64);
  EXPECT_FALSE(feed(old, {"GET / HTTP/1.0\r\n\r\n"}));
  EXPECT_EQ(old.version(), 10u);
  EXPECT_FALSE(old.keep_alive());

  RequestHeadParser custom(8192, 64, 64);
  EXPECT_FALSE(feed(custom, {"BREW /pot HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"}));
  EXPECT_EQ(custom.method(), http::verb::unknown);
  EXPECT_EQ(custom.method_string(), "BREW");
  EXPECT_FALSE(custom.keep_alive());
}

TEST(RequestHeadParser, RepeatedListFieldsAreJoined) {
  RequestHeadParser parser(8192, 64, 64);
  EXPECT_FALSE(feed(parser, {"GET / HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br\r\nAccept-Encoding: gzip;q=0.5\r\n\r\n"}));
  EXPECT_EQ(parser.accept_encoding(), "br, gzip;q=0.5");
  EXPECT_EQ(parser.accept(), "");
}

TEST(RequestHeadParser, EmptyAndTruncatedInputWantsMore) {
  RequestHeadParser empty(8192, 64, 64);
  error_code error;
  EXPECT_EQ(empty.put(boost::asio::const_buffer(), error), 0u);
  EXPECT_EQ(error, http::error::need_more);
  RequestHeadParser truncated(8192, 64, 64);
  EXPECT_EQ(feed(truncated, {"GET /metrics HTTP/1.1\r\nHost: x\r\n"}), http::error::need_more);
  EXPECT_FALSE(truncated.is_header_done());
}

TEST(RequestHeadParser, GarbageIsAnErrorThatIsNotALimit) {
  for (const char* garbage : {"\x01\x02garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nHost: t\r\nNo colon\r\n\r\n",
                              "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n"}) {
    RequestHeadParser parser(8192, 64, 64);
    error_code error = feed(parser, {garbage});
    EXPECT_TRUE(error) << garbage;
    EXPECT_NE(error, http::error::need_more) << garbage;
    EXPECT_NE(error, http::error::header_limit) << garbage;
    EXPECT_NE(error, http::error::body_limit) << garbage;
  }
}

TEST(RequestHeadParser, ByteLimitCountsRequestLineAndFieldsExactly) {
  // "GET / HTTP/1.1\r\n" is 16 bytes, "Host: t\r\n" 9, "A: b\r\n" 6.
  RequestHeadParser fits(31, 64, 64);
  EXPECT_FALSE(feed(fits, {"GET / HTTP/1.1\r\nHost: t\r\nA: b\r\n\r\n"}));
  RequestHeadParser over(30, 64, 64);
  EXPECT_EQ(feed(over, {"GET / HTTP/1.1\r\nHost: t\r\nA: b\r\n\r\n"}), http::error::header_limit);
}

// Fields that arrive one per read, each followed by the first byte of the
// next, are consumed as they come: Beast 1.74's header_limit never sees more
// than one field, so only a count across reads stops such a client.
TEST(RequestHeadParser, ByteLimitHoldsAcrossReads) {
  const std::string field = "-Pad: " + std::string(400, 'p') + "\r\nX";
  RequestHeadParser parser(8192, 1000, 64);
  std::string buffer = "GET / HTTP/1.1\r\nHost: t\r\nX";
  error_code error;
  int reads = 0;
  for (; reads < 1000; ++reads) {
    std::size_t used = parser.put(boost::asio::buffer(buffer), error);
    buffer.erase(0, used);
    if (error != http::error::need_more) break;
    buffer += field;
  }
  EXPECT_EQ(error, http::error::header_limit);
  EXPECT_LE(reads, 8192 / 400 + 2);  // cut off at the budget, not after 1,000 fields
}

TEST(RequestHeadParser, FieldCountLimit) {
  RequestHeadParser fits(8192, 4, 64);  // Host and three more
  EXPECT_FALSE(feed(fits, {"GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"}));
  RequestHeadParser over(8192, 4, 64);
  EXPECT_EQ(feed(over, {"GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"}), http::error::header_limit);
}

TEST(RequestHeadParser, BodiesUpToTheLimitAreKept) {
  RequestHeadParser sized(8192, 64, 5);
  EXPECT_FALSE(feed(sized, {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhel", "lo"}));
  EXPECT_EQ(sized.body(), "hello");
  RequestHeadParser chunked(8192, 64, 5);
  EXPECT_FALSE(feed(chunked, {"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n",
                              "2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"}));
  EXPECT_EQ(chunked.body(), "hello");
  RequestHeadParser empty(8192, 64, 5);
  EXPECT_FALSE(feed(empty, {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"}));
  EXPECT_EQ(empty.body(), "");
}

TEST(RequestHeadParser, BodiesOverTheLimitAreRefused) {
  RequestHeadParser sized(8192, 64, 4);
  EXPECT_EQ(feed(sized, {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"}), http::error::body_limit);
  // Chunked: counted as the chunks come, whatever their sizes claim.
  RequestHeadParser chunked(8192, 64, 4);
  EXPECT_EQ(feed(chunked, {"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n",
                           "2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"}),
            http::error::body_limit);
}

TEST(RequestHeadParser, KeepsTheAuthorizationField) {
  RequestHeadParser parser(8192, 64, 64);
  EXPECT_FALSE(feed(parser, {"GET / HTTP/1.1\r\nHost: t\r\nAuthorization: Basic YTpi\r\n\r\n"}));
  EXPECT_EQ(parser.authorization(), "Basic YTpi");
}

// RFC 9112, 3.2: exactly one Host in HTTP/1.1; HTTP/1.0 needs none.
TEST(RequestHeadParser, Http11NeedsExactlyOneHost) {
  RequestHeadParser none(8192, 64, 64);
  EXPECT_EQ(feed(none, {"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"}), http::error::bad_value);
  RequestHeadParser two(8192, 64, 64);
  EXPECT_EQ(feed(two, {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}), http::error::bad_value);
  RequestHeadParser old(8192, 64, 64);
  EXPECT_FALSE(feed(old, {"GET / HTTP/1.0\r\n\r\n"}));
}

TEST(RequestHeadParser, VersionsOtherThan10And11AreToldFromGarbage) {
  RequestHeadParser future(8192, 64, 64);
  EXPECT_EQ(feed(future, {"GET / HTTP/9.9\r\nHost: t\r\n\r\n"}), http::error::bad_version);
  EXPECT_TRUE(names_unsupported_version("GET / HTTP/9.9\r\nHost: t\r\n\r\n"));
  EXPECT_TRUE(names_unsupported_version("GET /x HTTP/2.0\r\n"));
  // Garbage, or a supported version: not a 505.
  EXPECT_FALSE(names_unsupported_version("GET / HTTP/x.y\r\n"));
  EXPECT_FALSE(names_unsupported_version("GET / HTTP/1.1\r\n"));
  EXPECT_FALSE(names_unsupported_version("GET HTTP/9.9\r\n"));
  EXPECT_FALSE(names_unsupported_version("GET / HTTP/9.9"));  // not a whole line yet
  EXPECT_FALSE(names_unsupported_version(""));
}

TEST(RequestHeadParser, TellsWhetherALimitHitTheRequestLine) {
  RequestHeadParser long_line(64, 64, 64);
  EXPECT_EQ(feed(long_line, {"GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n"}),
            http::error::header_limit);
  EXPECT_FALSE(long_line.request_line_done());
  RequestHeadParser long_field(64, 64, 64);
  EXPECT_EQ(feed(long_field, {"GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(100, 'a') + "\r\n\r\n"}),
            http::error::header_limit);
  EXPECT_TRUE(long_field.request_line_done());
}
