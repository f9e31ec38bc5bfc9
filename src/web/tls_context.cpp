#include "web/tls_context.hpp"

#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <cstdio>
#include <memory>

namespace ainode {

namespace ssl = boost::asio::ssl;

namespace {

// Every queued OpenSSL error, oldest first: the first is usually the
// cause ("no start line"), the last the operation that failed.
std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += (text.empty() ? "" : "; ") + std::string(buffer);
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

int version_constant(TlsVersion version) {
  switch (version) {
    case TlsVersion::tls10: return TLS1_VERSION;
    case TlsVersion::tls11: return TLS1_1_VERSION;
    case TlsVersion::tls12: return TLS1_2_VERSION;
    case TlsVersion::tls13: return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

// RequestClientCert and RequireAnyClientCert take any certificate, as in
// Go; verified_client_subject() then reports no identity.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

std::string name_text(X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const WebSecurityConfig& config) {
  const TlsServerConfig& tls = config.tls;
  auto fail = [&](std::string_view key, const std::string& message) -> void {
    ERR_clear_error();
    throw WebConfigError(web_config_message(config, key, message));
  };
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, version_constant(tls.min_version));
  SSL_CTX_set_max_proto_version(native, version_constant(tls.max_version));
  // No renegotiation and no compression; fresh ECDHE keys per handshake.
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_SINGLE_ECDH_USE);
  if (tls.prefer_server_cipher_suites) SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);

  if (SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) != 1) {
    fail("tls_server_config.cert_file", "cannot load certificate '" + tls.cert_file + "': " + openssl_errors());
  }
  X509* certificate = SSL_CTX_get0_certificate(native);
  if (!certificate) fail("tls_server_config.cert_file", "no certificate in '" + tls.cert_file + "'");
  if (X509_cmp_current_time(X509_get0_notAfter(certificate)) <= 0) {
    fail("tls_server_config.cert_file", "certificate '" + tls.cert_file + "' has expired");
  }
  if (X509_cmp_current_time(X509_get0_notBefore(certificate)) > 0) {
    fail("tls_server_config.cert_file", "certificate '" + tls.cert_file + "' is not valid yet");
  }
  // Read apart from the context so that a key for another certificate is
  // reported as that, not as OpenSSL's "key values mismatch".
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(nullptr, EVP_PKEY_free);
  if (std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(tls.key_file.c_str(), "r"), std::fclose); file) {
    key.reset(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
  }
  if (!key) fail("tls_server_config.key_file", "cannot load key '" + tls.key_file + "': " + openssl_errors());
  if (X509_check_private_key(certificate, key.get()) != 1) {
    fail("tls_server_config.key_file", "key '" + tls.key_file + "' does not match certificate '" + tls.cert_file + "'");
  }
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1) {
    fail("tls_server_config.key_file", "cannot use key '" + tls.key_file + "': " + openssl_errors());
  }

  std::string ciphers;
  for (const auto& name : tls.cipher_suites) ciphers += (ciphers.empty() ? "" : ":") + name;
  if (!ciphers.empty() && SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1) {
    fail("tls_server_config.cipher_suites", "OpenSSL accepts none of " + ciphers + ": " + openssl_errors());
  }
  std::string curves;
  for (const auto& name : tls.curve_preferences) curves += (curves.empty() ? "" : ":") + name;
  if (!curves.empty() && SSL_CTX_set1_groups_list(native, curves.c_str()) != 1) {
    fail("tls_server_config.curve_preferences", "OpenSSL refused " + curves + ": " + openssl_errors());
  }

  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(native, tls.client_ca_file.c_str(), nullptr) != 1) {
      fail("tls_server_config.client_ca_file", "cannot load CA '" + tls.client_ca_file + "': " + openssl_errors());
    }
    // The CA names the server sends, so a client with several
    // certificates picks the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
  }
  switch (tls.client_auth_type) {
    case ClientAuthType::no_client_cert: SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr); break;
    case ClientAuthType::request_client_cert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, accept_any_certificate);
      break;
    case ClientAuthType::require_any_client_cert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any_certificate);
      break;
    case ClientAuthType::verify_client_cert_if_given: SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr); break;
    case ClientAuthType::require_and_verify_client_cert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  // Session tickets would let a resumed session skip client verification
  // after the CA changed; a scrape every few seconds on keep-alive pays
  // one full handshake per connection anyway.
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  ERR_clear_error();
  return context;
}

bool FileStamp::operator==(const FileStamp& other) const {
  return exists == other.exists && device == other.device && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec;
}

FileStamp stamp_file(const std::string& path) {
  FileStamp stamp;
  struct stat info {};
  if (path.empty() || stat(path.c_str(), &info) != 0) return stamp;
  stamp.exists = true;
  stamp.device = info.st_dev;
  stamp.inode = info.st_ino;
  stamp.size = info.st_size;
  stamp.modified = info.st_mtim;
  return stamp;
}

std::vector<FileStamp> stamp_tls_files(const TlsServerConfig& tls) {
  return {stamp_file(tls.cert_file), stamp_file(tls.key_file), stamp_file(tls.client_ca_file)};
}

std::string verified_client_subject(ssl_st* ssl) {
  // Only a verifying mode makes the certificate an identity.
  if (!(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) || SSL_get_verify_callback(ssl) != nullptr) return {};
  if (SSL_get_verify_result(ssl) != X509_V_OK) return {};
  std::unique_ptr<X509, decltype(&X509_free)> peer(SSL_get1_peer_certificate(ssl), X509_free);
  if (!peer) return {};
  return name_text(X509_get_subject_name(peer.get()));
}

}  // namespace ainode
