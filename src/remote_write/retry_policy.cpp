#include "remote_write/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/text.hpp"

namespace ainode {

namespace {

bool contains(std::string_view body, std::string_view needle) { return body.find(needle) != std::string_view::npos; }

}  // namespace

SendOutcome classify_response(long status, std::string_view body) {
  if (status >= 200 && status < 300) return {SendVerdict::sent, ""};
  // Checked before the status: these mean "never", whatever the code says.
  if (contains(body, "too old sample")) return {SendVerdict::drop, "too_old"};
  if (contains(body, "out of bounds")) return {SendVerdict::drop, "out_of_bounds"};
  if (contains(body, "out of order sample")) return {SendVerdict::drop, "out_of_order"};
  if (status == 0 || status == 429 || status >= 500) return {SendVerdict::retry, ""};
  return {SendVerdict::drop, "http_" + std::to_string(status)};
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds min, std::chrono::milliseconds max,
                                        double jitter01) {
  double base = static_cast<double>(min.count()) * std::pow(2.0, std::min(attempt, 40));
  double capped = std::min(base, static_cast<double>(max.count()));
  double jittered = capped * (0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0));
  return std::chrono::milliseconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(jittered)));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = text::trim(value);
  if (value.empty()) return std::nullopt;
  if (auto seconds = text::to_i64(value)) {
    if (*seconds < 0) return std::nullopt;
    return std::chrono::seconds(*seconds);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  std::string copy(value);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
  return std::max(delta, std::chrono::milliseconds(0));
}

}  // namespace ainode
