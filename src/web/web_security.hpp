#pragma once
// The web config in force: what the HTTP server applies to each connection
// (TLS context) and each request (basic auth, extra headers). Built whole
// from one WebSecurityConfig, so a reload swaps one object and a bad file
// never leaves half a configuration applied.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "web/basic_auth.hpp"
#include "web/tls_context.hpp"
#include "web/web_config.hpp"

namespace ainode {

class WebSecurity {
 public:
  // Loads the certificates; throws WebConfigError when they cannot be used.
  explicit WebSecurity(WebSecurityConfig config);

  const WebSecurityConfig& config() const { return config_; }
  BasicAuthenticator& authenticator() { return authenticator_; }
  bool tls_enabled() const { return config_.tls.enabled(); }

  // The context new connections use; null without TLS. A connection keeps
  // the context it started with (shared), so a rotation never disturbs it.
  // Call from one thread (the server's io thread), like refresh_certificates().
  std::shared_ptr<boost::asio::ssl::context> tls_context() const { return context_; }

  // When cert_file, key_file or client_ca_file changed on disk since the
  // last load, loads them into a new context. Returns the reason when the
  // new files cannot be used (the old context stays in force; the same
  // files are not retried until they change again), nullopt otherwise.
  std::optional<std::string> refresh_certificates();

  // How many times refresh_certificates() swapped in a new context.
  std::uint64_t certificate_reloads() const { return certificate_reloads_; }

 private:
  WebSecurityConfig config_;
  BasicAuthenticator authenticator_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::vector<FileStamp> stamps_;
  std::uint64_t certificate_reloads_ = 0;
};

}  // namespace ainode
