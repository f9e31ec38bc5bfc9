#pragma once
// The web configuration file every official Prometheus exporter accepts
// (prometheus/exporter-toolkit's web-config.yml, passed with
// --web.config.file): TLS, client certificates, response headers and bcrypt
// basic auth. Operators reuse the file they already have for node_exporter,
// so the keys, values and defaults follow exporter-toolkit; the few places
// where ainode is stricter are noted on the fields and in docs/security.md.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ainode {

// A file that cannot be used: the message names the file, the line and the
// key ("web.yml:4: tls_server_config.client_auth_type: invalid value ...").
class WebConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// exporter-toolkit's client_auth_type values, in Go's crypto/tls meaning.
enum class ClientAuthType {
  no_client_cert,                  // "NoClientCert" (default)
  request_client_cert,             // "RequestClientCert": asked for, not required, not verified
  require_any_client_cert,         // "RequireAnyClientCert" (or legacy "RequireClientCert"): required, not verified
  verify_client_cert_if_given,     // "VerifyClientCertIfGiven"
  require_and_verify_client_cert,  // "RequireAndVerifyClientCert"
};

// Whether the mode checks the client certificate against client_ca_file.
bool verifies_client_cert(ClientAuthType type);
std::string_view to_string(ClientAuthType type);

enum class TlsVersion { tls10, tls11, tls12, tls13 };
std::string_view to_string(TlsVersion version);  // "TLS12"

// A value's position in the file, kept so that an error found later (a
// missing certificate, an expired one) still names the key and the line.
struct ConfigKeyPosition {
  std::string key;  // "tls_server_config.cert_file"
  int line = 0;     // 1-based
};

struct TlsServerConfig {
  // Paths as written, resolved against the config file's directory when
  // relative (exporter-toolkit's SetDirectory). Empty cert_file = no TLS.
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  ClientAuthType client_auth_type = ClientAuthType::no_client_cert;
  TlsVersion min_version = TlsVersion::tls12;  // exporter-toolkit's default
  TlsVersion max_version = TlsVersion::tls13;
  // OpenSSL names of the TLS 1.0-1.2 suites given by their Go names. Empty =
  // OpenSSL's defaults. Go's TLS 1.3 suite names are accepted and, as in Go,
  // do not restrict TLS 1.3.
  std::vector<std::string> cipher_suites;
  std::vector<std::string> curve_preferences;  // OpenSSL group names ("X25519", "P-256")
  bool prefer_server_cipher_suites = true;

  bool enabled() const { return !cert_file.empty(); }
};

struct HttpServerConfig {
  // Only the headers exporter-toolkit allows (Strict-Transport-Security,
  // X-Content-Type-Options, X-Frame-Options, X-XSS-Protection,
  // Content-Security-Policy), in file order; added to every response.
  std::vector<std::pair<std::string, std::string>> headers;
  // Accepted for compatibility; ainode speaks HTTP/1.1 only (no ALPN "h2").
  bool http2 = true;
};

struct WebSecurityConfig {
  TlsServerConfig tls;
  HttpServerConfig http;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash ($2a$, $2b$, $2y$)
  std::string file;                                     // the file it came from ("" = built in code)
  // Positions of the file keys (cert_file, key_file, client_ca_file), for
  // errors raised when the files are read.
  std::vector<ConfigKeyPosition> file_keys;

  const ConfigKeyPosition* position_of(std::string_view key) const;
};

// Parses the YAML text of `file` (used in messages and to resolve relative
// paths; no file is opened). Unknown keys, wrong types, bad values and
// inconsistent combinations (a client CA without a client auth type, a
// verifying client auth type without a CA, a key without a certificate)
// throw WebConfigError naming the file, the line and the key.
WebSecurityConfig parse_web_config(std::string_view yaml_text, const std::string& file);

// Reads and parses `path`, then checks that every file it names can be
// read; throws WebConfigError as above.
WebSecurityConfig load_web_config(const std::string& path);

// "web.yml:4: tls_server_config.cert_file: <message>"
std::string web_config_message(const WebSecurityConfig& config, std::string_view key, const std::string& message);

}  // namespace ainode
