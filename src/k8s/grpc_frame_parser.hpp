#pragma once
// The gRPC-over-HTTP/2 wire format of one unary answer (gRPC's
// PROTOCOL-HTTP2.md): the body is length-prefixed messages (1 byte
// compressed flag, 4 bytes big-endian length, the protobuf bytes), and the
// outcome is the grpc-status / grpc-message header or trailer. Pure: tested
// on strings, fuzzed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ainode {

// The one message of a unary answer, or why the body is not one: truncated
// prefix or message, a compressed message (we never offer an encoding, so a
// server may not use one), more than one message.
struct GrpcBody {
  std::string message;
  std::string error;  // "" when `message` is the answer
};
GrpcBody parse_grpc_unary_body(std::string_view body);

// A header or trailer field as one line ("grpc-status: 14", CRLF optional);
// the fields it names are set, other lines leave them as they are.
struct GrpcStatus {
  std::optional<int> code;  // grpc-status
  std::string message;      // grpc-message, percent-decoded
};
void read_grpc_header_line(std::string_view line, GrpcStatus& status);

// "OK", "UNAVAILABLE", ... for a grpc-status code; "UNKNOWN" for others.
std::string grpc_status_name(int code);

// The status gRPC assigns to an HTTP answer without grpc-status (a proxy,
// or not a gRPC server): 401 UNAUTHENTICATED, 404 UNIMPLEMENTED, ...
std::string grpc_status_name_for_http(long http_status);

}  // namespace ainode
