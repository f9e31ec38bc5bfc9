// The gRPC wire format of a unary answer, on strings: the length-prefixed
// message and the grpc-status / grpc-message lines libcurl hands over.
#include "k8s/grpc_frame_parser.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

std::string prefixed(std::string_view message, char flag = '\0') {
  std::string out(1, flag);
  auto n = static_cast<std::uint32_t>(message.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  return out + std::string(message);
}

TEST(GrpcUnaryBody, OneMessage) {
  auto body = parse_grpc_unary_body(prefixed("\x0a\x03" "abc"));
  EXPECT_EQ(body.error, "");
  EXPECT_EQ(body.message, "\x0a\x03" "abc");
}

TEST(GrpcUnaryBody, AnEmptyMessageIsAMessage) {
  auto body = parse_grpc_unary_body(prefixed(""));
  EXPECT_EQ(body.error, "");
  EXPECT_EQ(body.message, "");
}

TEST(GrpcUnaryBody, LengthsAboveSixteenBitsAreBigEndian) {
  std::string big(70000, 'x');
  auto body = parse_grpc_unary_body(prefixed(big));
  EXPECT_EQ(body.error, "");
  EXPECT_EQ(body.message.size(), 70000u);
}

TEST(GrpcUnaryBody, BrokenBodiesAreNamed) {
  EXPECT_EQ(parse_grpc_unary_body("").error, "empty answer: no message");
  EXPECT_EQ(parse_grpc_unary_body(std::string("\0\0\0", 3)).error, "truncated message prefix (3 bytes)");
  EXPECT_EQ(parse_grpc_unary_body(prefixed("abcdef").substr(0, 8)).error, "truncated message: 3 of 6 bytes");
  EXPECT_EQ(parse_grpc_unary_body(prefixed("abc") + prefixed("d")).error, "more than one message in a unary answer");
  EXPECT_EQ(parse_grpc_unary_body(prefixed("abc", '\1')).error, "compressed message, though no encoding was offered");
  EXPECT_EQ(parse_grpc_unary_body(prefixed("abc", '\7')).error, "bad message flag 7");
}

TEST(GrpcHeaderLine, StatusAndMessageFromHeadersOrTrailers) {
  GrpcStatus status;
  read_grpc_header_line("HTTP/2 200\r\n", status);
  read_grpc_header_line("content-type: application/grpc\r\n", status);
  EXPECT_FALSE(status.code.has_value());
  read_grpc_header_line("grpc-status: 12\r\n", status);
  read_grpc_header_line("Grpc-Message: not in this kubelet%3A sorry 100%25\r\n", status);
  ASSERT_TRUE(status.code.has_value());
  EXPECT_EQ(*status.code, 12);
  EXPECT_EQ(status.message, "not in this kubelet: sorry 100%");
}

TEST(GrpcHeaderLine, MalformedValuesAreIgnoredNotGuessed) {
  GrpcStatus status;
  read_grpc_header_line("grpc-status: 1x\r\n", status);
  read_grpc_header_line("grpc-status:\r\n", status);
  read_grpc_header_line("grpc-status: 12345\r\n", status);
  read_grpc_header_line("grpc-status 0", status);
  EXPECT_FALSE(status.code.has_value());
  read_grpc_header_line("grpc-message: 50%2 done%zz%", status);
  EXPECT_EQ(status.message, "50%2 done%zz%");
}

TEST(GrpcStatusNames, CodesAndHttpFallbacks) {
  EXPECT_EQ(grpc_status_name(0), "OK");
  EXPECT_EQ(grpc_status_name(4), "DEADLINE_EXCEEDED");
  EXPECT_EQ(grpc_status_name(12), "UNIMPLEMENTED");
  EXPECT_EQ(grpc_status_name(14), "UNAVAILABLE");
  EXPECT_EQ(grpc_status_name(16), "UNAUTHENTICATED");
  EXPECT_EQ(grpc_status_name(17), "UNKNOWN");
  EXPECT_EQ(grpc_status_name(-1), "UNKNOWN");
  EXPECT_EQ(grpc_status_name_for_http(404), "UNIMPLEMENTED");
  EXPECT_EQ(grpc_status_name_for_http(503), "UNAVAILABLE");
  EXPECT_EQ(grpc_status_name_for_http(401), "UNAUTHENTICATED");
  EXPECT_EQ(grpc_status_name_for_http(500), "UNKNOWN");
}

}  // namespace
}  // namespace ainode
