#pragma once
// Go's crypto/tls names, which web-config.yml uses, mapped to OpenSSL's.
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

// The OpenSSL name of a TLS 1.0-1.2 suite given by its Go name
// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> "ECDHE-RSA-AES128-GCM-SHA256");
// "" for Go's TLS 1.3 suite names (accepted; like Go, they do not restrict
// TLS 1.3); nullopt for a name Go does not know or a suite OpenSSL 3 dropped
// (RC4, 3DES).
std::optional<std::string> openssl_cipher_name(std::string_view go_name);

// "CurveP256" -> "P-256", "X25519" -> "X25519"; nullopt if unknown.
std::optional<std::string> openssl_curve_name(std::string_view go_name);

}  // namespace ainode
