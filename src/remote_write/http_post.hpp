#pragma once
// One remote_write POST with libcurl: the spec's headers, the receiver's
// authentication and TLS settings, a deadline.
#include <atomic>
#include <chrono>
#include <string>

#include "config/config.hpp"

namespace ainode {

struct PostResult {
  long status = 0;          // 0 = no HTTP answer
  std::string body;         // the first bytes of the answer (error text)
  std::string retry_after;  // the Retry-After header, if any
  std::string error;        // transport error, or "" when an answer came
};

// `cancel` set (agent shutting down) aborts a request in flight at once
// instead of waiting out `timeout` against a hung receiver.
PostResult post_write_request(const RemoteWriteEndpoint& endpoint, const std::string& compressed_body,
                              std::chrono::milliseconds timeout, const std::atomic<bool>& cancel);

}  // namespace ainode
