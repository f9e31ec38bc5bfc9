#include "control/control_authenticator.hpp"

#include <strings.h>

#include <cstring>

#include <arpa/inet.h>

namespace ainode {

bool is_loopback_address(std::string_view address) {
  std::string text(address);
  // Brackets from a URL form, and an IPv4-mapped IPv6 peer (::ffff:127.0.0.1),
  // which is how a dual-stack listener sees IPv4 clients.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  return false;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Compare over the longer length so a prefix of the token takes as long as
  // a wrong token of the same length.
  std::size_t length = a.size() > b.size() ? a.size() : b.size();
  volatile unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference = difference | static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

namespace {

// "Bearer abc" -> "abc"; the scheme is case-insensitive (RFC 9110 §11.1).
std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size() || strncasecmp(authorization.data(), scheme.data(), scheme.size()) != 0) {
    return {};
  }
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

ControlAuthDecision refuse(unsigned status, std::string reason, const ControlCredentials& credentials) {
  ControlAuthDecision decision;
  decision.allowed = false;
  decision.status = status;
  decision.reason = std::move(reason);
  decision.identity.peer = credentials.peer_address;
  return decision;
}

}  // namespace

ControlAuthDecision authorize_control(const ControlCredentials& credentials, const ControlAuthPolicy& policy) {
  const bool loopback = is_loopback_address(credentials.peer_address);
  if (!loopback && !policy.allow_remote) {
    return refuse(403, "control requests are accepted from loopback only (set control.allow_remote with a token or "
                       "client certificates to allow remote callers)",
                  credentials);
  }
  ControlAuthDecision decision;
  decision.identity.peer = credentials.peer_address;
  // Credentials that are presented are checked even from loopback: a wrong
  // token is refused, never silently downgraded to "loopback".
  // Basic auth the server verified is how the whole web interface is
  // guarded, not a control credential: it names the caller but is no
  // substitute for the token or a client certificate from afar.
  const bool server_basic_auth = !credentials.basic_auth_user.empty();
  if (!credentials.authorization.empty() && !server_basic_auth) {
    std::string_view presented = bearer_token(credentials.authorization);
    if (presented.empty()) return refuse(401, "Authorization must be 'Bearer <token>'", credentials);
    if (policy.token.empty()) return refuse(401, "a bearer token was sent but control.token_file is not set", credentials);
    if (!constant_time_equals(presented, policy.token)) return refuse(401, "invalid bearer token", credentials);
    decision.allowed = true;
    decision.identity.method = AuthMethod::token;
    decision.identity.subject = "bearer token";
    return decision;
  }
  if (!credentials.client_cert_subject.empty()) {
    decision.allowed = true;
    decision.identity.method = AuthMethod::client_certificate;
    decision.identity.subject = credentials.client_cert_subject;
    return decision;
  }
  if (loopback) {
    decision.allowed = true;
    decision.identity.method = AuthMethod::loopback;
    if (server_basic_auth) decision.identity.subject = "basic:" + credentials.basic_auth_user;
    return decision;
  }
  return refuse(401,
                server_basic_auth
                    ? "remote control requests need a verified client certificate when the web config's basic auth "
                      "takes the Authorization header"
                    : "remote control requests need a bearer token (control.token_file) or a verified client certificate",
                credentials);
}

}  // namespace ainode
