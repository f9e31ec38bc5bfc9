// libFuzzer target: the gRPC unary body and header-line parsers take any
// bytes, never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "k8s/grpc_frame_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ainode::parse_grpc_unary_body(input);
  ainode::GrpcStatus status;
  ainode::read_grpc_header_line(input, status);
  if (status.code) ainode::grpc_status_name(*status.code);
  return 0;
}
