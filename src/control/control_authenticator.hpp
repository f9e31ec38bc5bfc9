#pragma once
// Decides whether a control request may run (safe by default): loopback
// peers are trusted; remote peers only with control.allow_remote and then
// only with the bearer token or a verified client certificate. Pure, so
// every case is a table test.
#include <string>
#include <string_view>

#include "control/caller_identity.hpp"

namespace ainode {

struct ControlCredentials {
  std::string peer_address;         // "127.0.0.1", "::1", "10.0.0.7"
  std::string authorization;        // the Authorization header, "" when absent
  std::string client_cert_subject;  // "" unless TLS verified a client certificate
  // Set when the server already verified Authorization: Basic against the
  // web config's basic_auth_users; that header then carries no bearer token.
  std::string basic_auth_user;
};

struct ControlAuthPolicy {
  bool allow_remote = false;
  std::string token;  // "" = no token configured
};

struct ControlAuthDecision {
  bool allowed = false;
  unsigned status = 200;  // 401 (no or bad credentials) or 403 (not allowed from there) when refused
  std::string reason;     // why it was refused, for the JSON answer and the audit log
  CallerIdentity identity;
};

ControlAuthDecision authorize_control(const ControlCredentials& credentials, const ControlAuthPolicy& policy);

bool is_loopback_address(std::string_view address);

// Equal strings in time that depends only on their lengths, not on where
// they first differ (a timing side channel would leak the token).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace ainode
