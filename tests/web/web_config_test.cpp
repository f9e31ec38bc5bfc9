#include "web/web_config.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace ainode;

namespace {

// The message of the WebConfigError that parsing `yaml` throws, or "" if it parses.
std::string error_of(const std::string& yaml) {
  try {
    parse_web_config(yaml, "/etc/ainode/web.yml");
  } catch (const WebConfigError& error) {
    return error.what();
  }
  return "";
}

constexpr const char* kHash = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";

}  // namespace

TEST(WebConfig, EmptyFileMeansPlainHttpWithoutAuth) {
  auto config = parse_web_config("", "web.yml");
  EXPECT_FALSE(config.tls.enabled());
  EXPECT_TRUE(config.basic_auth_users.empty());
  EXPECT_TRUE(config.http.headers.empty());
  EXPECT_EQ(parse_web_config("# nothing\n", "web.yml").tls.enabled(), false);
}

TEST(WebConfig, FullExampleParsesWithExporterToolkitsMeanings) {
  auto config = parse_web_config(std::string(R"(tls_server_config:
  cert_file: server.crt
  key_file: /etc/tls/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
  max_version: TLS13
  cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_AES_128_GCM_SHA256
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: false
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: )") + kHash + "\n",
                                 "/etc/ainode/web.yml");
  EXPECT_TRUE(config.tls.enabled());
  // Relative paths are relative to the config file, as in exporter-toolkit.
  EXPECT_EQ(config.tls.cert_file, "/etc/ainode/server.crt");
  EXPECT_EQ(config.tls.key_file, "/etc/tls/server.key");
  EXPECT_EQ(config.tls.client_ca_file, "/etc/ainode/ca.crt");
  EXPECT_EQ(config.tls.client_auth_type, ClientAuthType::require_and_verify_client_cert);
  EXPECT_EQ(config.tls.min_version, TlsVersion::tls13);
  // Go's names become OpenSSL's; the TLS 1.3 name is accepted without effect.
  EXPECT_EQ(config.tls.cipher_suites, std::vector<std::string>{"ECDHE-RSA-AES128-GCM-SHA256"});
  EXPECT_EQ(config.tls.curve_preferences, (std::vector<std::string>{"X25519", "P-256"}));
  EXPECT_FALSE(config.tls.prefer_server_cipher_suites);
  EXPECT_FALSE(config.http.http2);
  ASSERT_EQ(config.http.headers.size(), 2u);
  EXPECT_EQ(config.http.headers[0], (std::pair<std::string, std::string>{"X-Frame-Options", "deny"}));
  EXPECT_EQ(config.basic_auth_users.at("prometheus"), kHash);
  ASSERT_NE(config.position_of("tls_server_config.cert_file"), nullptr);
  EXPECT_EQ(config.position_of("tls_server_config.cert_file")->line, 2);
  EXPECT_EQ(config.position_of("tls_server_config.client_ca_file")->line, 5);
}

TEST(WebConfig, DefaultsAreExporterToolkits) {
  auto config = parse_web_config("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", "web.yml");
  EXPECT_EQ(config.tls.min_version, TlsVersion::tls12);
  EXPECT_EQ(config.tls.max_version, TlsVersion::tls13);
  EXPECT_EQ(config.tls.client_auth_type, ClientAuthType::no_client_cert);
  EXPECT_TRUE(config.tls.prefer_server_cipher_suites);
  EXPECT_EQ(config.tls.cert_file, "a.crt");  // no directory in the file name: left as given
}

TEST(WebConfig, LegacyRequireClientCertMeansRequireAny) {
  auto config = parse_web_config(
      "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireClientCert\n", "w.yml");
  EXPECT_EQ(config.tls.client_auth_type, ClientAuthType::require_any_client_cert);
  EXPECT_FALSE(verifies_client_cert(config.tls.client_auth_type));
}

TEST(WebConfig, ErrorsNameTheFileTheLineAndTheKey) {
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  bogus: 1\n"),
            "/etc/ainode/web.yml:4: tls_server_config.bogus: unknown key");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n"),
            "/etc/ainode/web.yml:4: tls_server_config.client_auth_type: invalid value 'Sometimes' (expected "
            "NoClientCert|RequestClientCert|RequireAnyClientCert|VerifyClientCertIfGiven|RequireAndVerifyClientCert)");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n"),
            "/etc/ainode/web.yml:4: tls_server_config.min_version: invalid value 'TLS14' (expected "
            "TLS10|TLS11|TLS12|TLS13)");
  EXPECT_EQ(error_of("unknown_section: {}\n"), "/etc/ainode/web.yml:1: unknown_section: unknown key");
  EXPECT_EQ(error_of("basic_auth_users:\n  alice: plaintext\n"),
            "/etc/ainode/web.yml:2: basic_auth_users.alice: not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04-31)");
  EXPECT_EQ(error_of("tls_server_config:\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n  cert_file: a\n  key_file: b\n"),
            "/etc/ainode/web.yml:2: tls_server_config.cipher_suites: unknown or unsupported cipher "
            "'TLS_RSA_WITH_RC4_128_SHA'");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  prefer_server_cipher_suites: maybe\n"),
            "/etc/ainode/web.yml:4: tls_server_config.prefer_server_cipher_suites: expected true or false");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: [a]\n"),
            "/etc/ainode/web.yml:2: tls_server_config.cert_file: expected a string");
}

TEST(WebConfig, InvalidYamlNamesTheLine) {
  auto error = error_of("tls_server_config:\n  cert_file: a\n   key_file: [\n");
  EXPECT_TRUE(error.starts_with("/etc/ainode/web.yml:3: invalid YAML: ")) << error;
}

TEST(WebConfig, DuplicateKeysAreRefused) {
  EXPECT_EQ(error_of(std::string("basic_auth_users:\n  a: ") + kHash + "\n  a: " + kHash + "\n"),
            "/etc/ainode/web.yml:3: basic_auth_users.a: duplicate key");
}

TEST(WebConfig, InconsistentTlsSettingsAreRefused) {
  EXPECT_EQ(error_of("tls_server_config:\n  key_file: b\n"),
            "/etc/ainode/web.yml:2: tls_server_config.cert_file: missing (TLS needs a certificate)");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n"),
            "/etc/ainode/web.yml:2: tls_server_config.key_file: missing (TLS needs a key)");
  // exporter-toolkit: "client CA's have been configured without a Client Auth Policy".
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n"),
            "/etc/ainode/web.yml:2: tls_server_config.client_auth_type: client_ca_file is set but client_auth_type is "
            "NoClientCert (set a client auth type)");
  // A verifying mode without a CA would trust nothing (or, in Go, every public CA).
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n"),
            "/etc/ainode/web.yml:4: tls_server_config.client_ca_file: missing: RequireAndVerifyClientCert verifies "
            "against it");
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n"),
            "/etc/ainode/web.yml:2: tls_server_config.min_version: TLS13 is above max_version TLS12");
  // The non-verifying modes need no CA.
  EXPECT_EQ(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAnyClientCert\n"), "");
}

TEST(WebConfig, OnlyExporterToolkitsHeadersAndValuesAreAllowed) {
  EXPECT_EQ(error_of("http_server_config:\n  headers:\n    Server: ainode\n"),
            "/etc/ainode/web.yml:3: http_server_config.headers.Server: this header can not be configured");
  EXPECT_EQ(error_of("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n"),
            "/etc/ainode/web.yml:3: http_server_config.headers.X-Content-Type-Options: invalid value 'sniff' "
            "(expected nosniff)");
  EXPECT_EQ(error_of("http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\r\\nSet-Cookie: x\"\n"),
            "/etc/ainode/web.yml:3: http_server_config.headers.Content-Security-Policy: line breaks are not allowed");
  EXPECT_EQ(error_of("http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n"), "");
}

TEST(WebConfig, KeysAinodeDoesNotImplementAreNamed) {
  EXPECT_EQ(error_of("tls_server_config:\n  cert: \"-----BEGIN\"\n"),
            "/etc/ainode/web.yml:2: tls_server_config.cert: inline certificates are not supported; use cert_file");
  EXPECT_EQ(error_of("rate_limit:\n  burst: 1\n"), "/etc/ainode/web.yml:1: rate_limit: not supported by ainode");
}

TEST(WebConfig, LoadNamesAMissingCertificateFileWithItsKeyAndLine) {
  try {
    load_web_config(std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/web/missing_cert.yml");
    FAIL() << "expected an error";
  } catch (const WebConfigError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("missing_cert.yml:3: tls_server_config.cert_file: cannot read '"), std::string::npos)
        << message;
  }
  try {
    load_web_config("/nonexistent/web.yml");
    FAIL() << "expected an error";
  } catch (const WebConfigError& error) {
    EXPECT_STREQ(error.what(), "/nonexistent/web.yml: cannot read the web config file");
  }
}
