#pragma once
// Builds the OpenSSL server context (through Boost.Asio's ssl::context) for
// a web-config.yml's tls_server_config, and reads what a handshake
// established. Failures name the file, the key and the line.
#include <sys/types.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "web/web_config.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;

namespace ainode {

// Certificate, key and client CA loaded and checked: the certificate is
// within its validity period, the key matches it, the CA parses. Throws
// WebConfigError otherwise.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const WebSecurityConfig& config);

// What identifies a file's content cheaply: a rotation (cert-manager
// writes a new file and renames it over the old) changes one of these.
struct FileStamp {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec modified{};
  bool operator==(const FileStamp& other) const;
};
FileStamp stamp_file(const std::string& path);
// The stamps of cert_file, key_file and client_ca_file, in that order.
std::vector<FileStamp> stamp_tls_files(const TlsServerConfig& tls);

// The subject (RFC 2253, "CN=prometheus,O=example") of the client
// certificate when the handshake verified it against client_ca_file; ""
// when no certificate was sent or the mode does not verify it.
std::string verified_client_subject(ssl_st* ssl);

}  // namespace ainode
