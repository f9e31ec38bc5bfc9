#pragma once
// Who made a control request, as the audit log and /v1/control/whoami say it.
#include <string>
#include <string_view>

namespace ainode {

enum class AuthMethod {
  none,                // not authenticated (refused)
  loopback,            // a peer on 127.0.0.0/8 or ::1, no credentials
  token,               // Authorization: Bearer <control.token_file>
  client_certificate,  // a client certificate the TLS layer verified
  agent,               // the agent itself (policy engine, signal-driven reload)
};

inline std::string_view to_string(AuthMethod method) {
  switch (method) {
    case AuthMethod::none: return "none";
    case AuthMethod::loopback: return "loopback";
    case AuthMethod::token: return "token";
    case AuthMethod::client_certificate: return "client_certificate";
    case AuthMethod::agent: break;
  }
  return "agent";
}

struct CallerIdentity {
  AuthMethod method = AuthMethod::none;
  std::string subject;  // certificate subject, "bearer token", "policy:<name>", "SIGHUP"; "" for loopback/none
  std::string peer;     // peer address ("" for the agent itself)
};

}  // namespace ainode
