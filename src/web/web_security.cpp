#include "web/web_security.hpp"

#include <boost/asio/ssl/context.hpp>

namespace ainode {

WebSecurity::WebSecurity(WebSecurityConfig config)
    : config_(std::move(config)), authenticator_(config_.basic_auth_users) {
  if (!tls_enabled()) return;
  // Stamped before loading: a file replaced while it is read is seen as
  // changed on the next check and read again.
  stamps_ = stamp_tls_files(config_.tls);
  context_ = make_tls_context(config_);
}

std::optional<std::string> WebSecurity::refresh_certificates() {
  if (!tls_enabled()) return std::nullopt;
  auto stamps = stamp_tls_files(config_.tls);
  if (stamps == stamps_) return std::nullopt;
  stamps_ = stamps;
  try {
    context_ = make_tls_context(config_);
    ++certificate_reloads_;
  } catch (const WebConfigError& error) {
    return std::string(error.what());
  }
  return std::nullopt;
}

}  // namespace ainode
