#pragma once
// What to do with a receiver's answer (remote_write spec 1.0): 2xx sent;
// 5xx and 429 retried with capped exponential backoff and jitter, honouring
// Retry-After; other 4xx dropped. Some receivers answer 5xx for samples they
// will never accept (Prometheus 2.42 with an out-of-order window: HTTP 500
// "too old sample", fixed upstream in 2.50): recognised by the body and
// dropped, or the queue would wedge on them forever.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

enum class SendVerdict { sent, retry, drop };

struct SendOutcome {
  SendVerdict verdict = SendVerdict::retry;
  std::string reason;  // for drops: the dropped_total reason label
};

// `status` 0 means no HTTP answer (connection refused, timeout): retried.
SendOutcome classify_response(long status, std::string_view body);

// The delay before retry number `attempt` (0-based): min * 2^attempt capped
// at max, then scaled by a jitter factor in [0.5, 1.0] (`jitter01` in [0, 1])
// so that a fleet's agents do not retry in lockstep after a receiver restart.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds min, std::chrono::milliseconds max,
                                        double jitter01);

// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), relative
// to `now`; nullopt when absent or unparseable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace ainode
