#pragma once
// One unary gRPC call to a server on a unix socket (the kubelet's
// PodResources API), over HTTP/2 with prior knowledge (nghttp2, linked from
// its static archive: only the code a call runs is ever paged in): the two
// unary calls the agent makes need neither the gRPC runtime (about 5 MiB of
// RSS and seven idle threads) nor libcurl (which maps GnuTLS, Kerberos and
// LDAP, another ~4 MiB). A blocking call on the caller's thread, bounded by
// the deadline from connect to the last trailer.
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
