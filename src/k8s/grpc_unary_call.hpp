#pragma once
// One unary gRPC call to a server on a unix socket (the kubelet's
// PodResources API), over libcurl's HTTP/2 with prior knowledge: the two
// unary calls the agent makes do not need the gRPC runtime, whose library
// alone costs about 5 MiB of RSS and seven idle threads in every agent.
// libcurl is opened only when the first call is made (dynlib/curl_api.hpp).
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace ainode {

struct GrpcCallOptions {
  std::string socket_path;
  std::chrono::milliseconds timeout{10000};
  std::size_t max_receive_bytes = 16 << 20;
};

struct GrpcCallResult {
  std::string message;  // the answer's protobuf bytes when `code` is "OK"
  std::string code;     // gRPC status name: "OK", "UNAVAILABLE", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", ...
  std::string error;    // for people, when not OK
};

// `method` is the HTTP/2 path, "/v1.PodResourcesLister/List"; `request` the
// serialized request message.
GrpcCallResult grpc_unary_call(const GrpcCallOptions& options, std::string_view method, const std::string& request);

}  // namespace ainode
