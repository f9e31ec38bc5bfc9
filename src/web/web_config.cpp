#include "web/web_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "dynlib/crypt_api.hpp"
#include "dynlib/openssl_api.hpp"
#include "web/cipher_names.hpp"

namespace ainode {

namespace {

int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

[[noreturn]] void fail(const std::string& file, int line, std::string_view key, const std::string& message) {
  std::string where = file.empty() ? "web config" : file;
  if (line > 0) where += ":" + std::to_string(line);
  throw WebConfigError(where + ": " + (key.empty() ? "" : std::string(key) + ": ") + message);
}

// Walks one mapping, refusing duplicate keys (yaml-cpp keeps both) and
// handing each key, its value and its line to `visit`.
template <class Visit>
void for_each_entry(const YAML::Node& map, const std::string& file, const std::string& prefix, Visit visit) {
  if (map.IsNull()) return;
  if (!map.IsMap()) fail(file, line_of(map), prefix, "expected a mapping");
  std::set<std::string> seen;
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) fail(file, line_of(entry.first), prefix, "keys must be strings");
    std::string name = entry.first.Scalar();
    std::string key = prefix.empty() ? name : prefix + "." + name;
    if (!seen.insert(name).second) fail(file, line_of(entry.first), key, "duplicate key");
    visit(name, key, entry.second, line_of(entry.first));
  }
}

std::string scalar(const YAML::Node& value, const std::string& file, const std::string& key) {
  if (!value.IsScalar()) fail(file, line_of(value), key, "expected a string");
  return value.Scalar();
}

bool boolean(const YAML::Node& value, const std::string& file, const std::string& key) {
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    fail(file, line_of(value), key, "expected true or false");
  }
  return result;
}

std::vector<std::pair<std::string, int>> string_list(const YAML::Node& value, const std::string& file,
                                                     const std::string& key) {
  std::vector<std::pair<std::string, int>> items;
  if (value.IsNull()) return items;
  if (!value.IsSequence()) fail(file, line_of(value), key, "expected a list");
  for (const auto& item : value) items.emplace_back(scalar(item, file, key), line_of(item));
  return items;
}

// exporter-toolkit joins relative paths with the config file's directory.
std::string resolve(const std::string& path, const std::string& file) {
  if (path.empty() || path.front() == '/') return path;
  auto slash = file.rfind('/');
  if (slash == std::string::npos) return path;
  return file.substr(0, slash + 1) + path;
}

ClientAuthType parse_client_auth(const std::string& text, const std::string& file, int line, const std::string& key) {
  if (text.empty() || text == "NoClientCert") return ClientAuthType::no_client_cert;
  if (text == "RequestClientCert") return ClientAuthType::request_client_cert;
  if (text == "RequireAnyClientCert" || text == "RequireClientCert") return ClientAuthType::require_any_client_cert;
  if (text == "VerifyClientCertIfGiven") return ClientAuthType::verify_client_cert_if_given;
  if (text == "RequireAndVerifyClientCert") return ClientAuthType::require_and_verify_client_cert;
  fail(file, line, key,
       "invalid value '" + text +
           "' (expected NoClientCert|RequestClientCert|RequireAnyClientCert|VerifyClientCertIfGiven|"
           "RequireAndVerifyClientCert)");
}

TlsVersion parse_version(const std::string& text, const std::string& file, int line, const std::string& key) {
  if (text == "TLS10") return TlsVersion::tls10;
  if (text == "TLS11") return TlsVersion::tls11;
  if (text == "TLS12") return TlsVersion::tls12;
  if (text == "TLS13") return TlsVersion::tls13;
  fail(file, line, key, "invalid value '" + text + "' (expected TLS10|TLS11|TLS12|TLS13)");
}

// Keys exporter-toolkit knows that ainode does not implement: refused by
// name rather than as unknown, so the operator learns what to change.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kUnsupported{{
    {"cert", "inline certificates are not supported; use cert_file"},
    {"key", "inline keys are not supported; use key_file"},
    {"client_ca", "inline CAs are not supported; use client_ca_file"},
    {"client_allowed_sans", "not supported by ainode"},
    {"rate_limit", "not supported by ainode"},
}};

void refuse_unsupported(const std::string& name, const std::string& key, const std::string& file, int line) {
  for (const auto& [unsupported, why] : kUnsupported) {
    if (name == unsupported) fail(file, line, key, std::string(why));
  }
  fail(file, line, key, "unknown key");
}

void parse_tls(const YAML::Node& node, WebSecurityConfig& config) {
  const std::string& file = config.file;
  auto& tls = config.tls;
  bool client_auth_set = false;
  int client_auth_line = line_of(node);
  for_each_entry(node, file, "tls_server_config", [&](const std::string& name, const std::string& key,
                                                      const YAML::Node& value, int line) {
    auto remember = [&] { config.file_keys.push_back({key, line}); };
    if (name == "cert_file") {
      tls.cert_file = resolve(scalar(value, file, key), file);
      remember();
    } else if (name == "key_file") {
      tls.key_file = resolve(scalar(value, file, key), file);
      remember();
    } else if (name == "client_ca_file") {
      tls.client_ca_file = resolve(scalar(value, file, key), file);
      remember();
    } else if (name == "client_auth_type") {
      std::string text = scalar(value, file, key);
      tls.client_auth_type = parse_client_auth(text, file, line, key);
      client_auth_set = !text.empty();
      client_auth_line = line;
    } else if (name == "min_version") {
      tls.min_version = parse_version(scalar(value, file, key), file, line, key);
    } else if (name == "max_version") {
      tls.max_version = parse_version(scalar(value, file, key), file, line, key);
    } else if (name == "cipher_suites") {
      for (const auto& [go_name, item_line] : string_list(value, file, key)) {
        auto openssl = openssl_cipher_name(go_name);
        if (!openssl) fail(file, item_line, key, "unknown or unsupported cipher '" + go_name + "'");
        if (!openssl->empty()) tls.cipher_suites.push_back(*openssl);
      }
    } else if (name == "curve_preferences") {
      for (const auto& [go_name, item_line] : string_list(value, file, key)) {
        auto openssl = openssl_curve_name(go_name);
        if (!openssl) fail(file, item_line, key, "unknown curve '" + go_name + "' (expected CurveP256|CurveP384|CurveP521|X25519)");
        tls.curve_preferences.push_back(*openssl);
      }
    } else if (name == "prefer_server_cipher_suites") {
      tls.prefer_server_cipher_suites = boolean(value, file, key);
    } else {
      refuse_unsupported(name, key, file, line);
    }
  });
  // exporter-toolkit's validateTLSPaths and ConfigToTLSConfig checks.
  bool any = !tls.cert_file.empty() || !tls.key_file.empty() || !tls.client_ca_file.empty() || client_auth_set;
  int section_line = line_of(node);
  if (any && tls.cert_file.empty()) fail(file, section_line, "tls_server_config.cert_file", "missing (TLS needs a certificate)");
  if (any && tls.key_file.empty()) fail(file, section_line, "tls_server_config.key_file", "missing (TLS needs a key)");
  if (!tls.client_ca_file.empty() && tls.client_auth_type == ClientAuthType::no_client_cert) {
    fail(file, client_auth_line, "tls_server_config.client_auth_type",
         "client_ca_file is set but client_auth_type is NoClientCert (set a client auth type)");
  }
  // Stricter than Go, which would fall back to the system roots: a client
  // certificate signed by any public CA must not pass as an identity.
  if (verifies_client_cert(tls.client_auth_type) && tls.client_ca_file.empty()) {
    fail(file, client_auth_line, "tls_server_config.client_ca_file",
         std::string("missing: ") + std::string(to_string(tls.client_auth_type)) + " verifies against it");
  }
  if (tls.min_version > tls.max_version) {
    fail(file, section_line, "tls_server_config.min_version",
         std::string(to_string(tls.min_version)) + " is above max_version " + std::string(to_string(tls.max_version)));
  }
}

// exporter-toolkit's extraHTTPHeaders: only these, and for two of them only
// these values, so every Prometheus exporter behaves the same.
struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;  // empty = any value
};
const std::array<AllowedHeader, 5> kAllowedHeaders{{
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff"}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
}};

void parse_http(const YAML::Node& node, WebSecurityConfig& config) {
  const std::string& file = config.file;
  for_each_entry(node, file, "http_server_config", [&](const std::string& name, const std::string& key,
                                                       const YAML::Node& value, int line) {
    if (name == "http2") {
      config.http.http2 = boolean(value, file, key);
      return;
    }
    if (name != "headers") fail(file, line, key, "unknown key");
    for_each_entry(value, file, key, [&](const std::string& header, const std::string& header_key,
                                         const YAML::Node& header_value, int header_line) {
      auto allowed = std::find_if(kAllowedHeaders.begin(), kAllowedHeaders.end(),
                                  [&](const AllowedHeader& h) { return h.name == header; });
      if (allowed == kAllowedHeaders.end()) fail(file, header_line, header_key, "this header can not be configured");
      std::string text = scalar(header_value, file, header_key);
      if (text.find_first_of("\r\n") != std::string::npos) fail(file, header_line, header_key, "line breaks are not allowed");
      if (!allowed->values.empty() &&
          std::find(allowed->values.begin(), allowed->values.end(), text) == allowed->values.end()) {
        std::string expected;
        for (auto v : allowed->values) expected += (expected.empty() ? "" : "|") + std::string(v);
        fail(file, header_line, header_key, "invalid value '" + text + "' (expected " + expected + ")");
      }
      config.http.headers.emplace_back(header, text);
    });
  });
}

// bcrypt's modular crypt format: $2a$/$2b$/$2y$, a two-digit cost 04..31,
// '$', then 53 characters of bcrypt's base64 (salt and hash).
bool is_bcrypt_hash(std::string_view hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return false;
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/';
  });
}

// OpenSSL is opened only when the web config asks for TLS or basic auth
// (dynlib/openssl_api.hpp); without it, that setting is the error.
void require_openssl(const std::string& file, int line, const std::string& key) {
  std::string error;
  if (!openssl_available(error)) fail(file, line, key, error);
}

void parse_users(const YAML::Node& node, WebSecurityConfig& config) {
  const std::string& file = config.file;
  for_each_entry(node, file, "basic_auth_users", [&](const std::string& user, const std::string& key,
                                                     const YAML::Node& value, int line) {
    if (user.find(':') != std::string::npos) fail(file, line, key, "a user name cannot contain ':'");
    std::string hash = scalar(value, file, key);
    if (!is_bcrypt_hash(hash)) fail(file, line, key, "not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04-31)");
    // crypt_r comes from libcrypt, opened only now (dynlib/crypt_api.hpp).
    std::string crypt_error;
    if (crypt_api(crypt_error) == nullptr) fail(file, line, key, crypt_error);
    config.basic_auth_users[user] = hash;
  });
}

}  // namespace

bool verifies_client_cert(ClientAuthType type) {
  return type == ClientAuthType::verify_client_cert_if_given || type == ClientAuthType::require_and_verify_client_cert;
}

std::string_view to_string(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::no_client_cert: return "NoClientCert";
    case ClientAuthType::request_client_cert: return "RequestClientCert";
    case ClientAuthType::require_any_client_cert: return "RequireAnyClientCert";
    case ClientAuthType::verify_client_cert_if_given: return "VerifyClientCertIfGiven";
    case ClientAuthType::require_and_verify_client_cert: return "RequireAndVerifyClientCert";
  }
  return "?";
}

std::string_view to_string(TlsVersion version) {
  switch (version) {
    case TlsVersion::tls10: return "TLS10";
    case TlsVersion::tls11: return "TLS11";
    case TlsVersion::tls12: return "TLS12";
    case TlsVersion::tls13: return "TLS13";
  }
  return "?";
}

const ConfigKeyPosition* WebSecurityConfig::position_of(std::string_view key) const {
  for (const auto& position : file_keys) {
    if (position.key == key) return &position;
  }
  return nullptr;
}

std::string web_config_message(const WebSecurityConfig& config, std::string_view key, const std::string& message) {
  const auto* position = config.position_of(key);
  std::string where = config.file.empty() ? "web config" : config.file;
  if (position && position->line > 0) where += ":" + std::to_string(position->line);
  return where + ": " + std::string(key) + ": " + message;
}

WebSecurityConfig parse_web_config(std::string_view yaml_text, const std::string& file) {
  WebSecurityConfig config;
  config.file = file;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& error) {
    fail(file, error.mark.line >= 0 ? error.mark.line + 1 : 0, "", "invalid YAML: " + error.msg);
  }
  try {
    for_each_entry(root, file, "", [&](const std::string& name, const std::string& key, const YAML::Node& value,
                                       int line) {
      if (name == "tls_server_config") {
        require_openssl(file, line, key);
        parse_tls(value, config);
      } else if (name == "http_server_config") {
        parse_http(value, config);
      } else if (name == "basic_auth_users") {
        require_openssl(file, line, key);  // passwords are checked with OpenSSL's SHA-256
        parse_users(value, config);
      } else {
        refuse_unsupported(name, key, file, line);
      }
    });
  } catch (const YAML::Exception& error) {
    // A conversion yaml-cpp refused deep inside a node.
    fail(file, error.mark.line >= 0 ? error.mark.line + 1 : 0, "", error.msg);
  }
  return config;
}

WebSecurityConfig load_web_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WebConfigError(path + ": cannot read the web config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw WebConfigError(path + ": cannot read the web config file");
  WebSecurityConfig config = parse_web_config(text.str(), path);
  for (const auto& position : config.file_keys) {
    const std::string* named = nullptr;
    if (position.key == "tls_server_config.cert_file") named = &config.tls.cert_file;
    if (position.key == "tls_server_config.key_file") named = &config.tls.key_file;
    if (position.key == "tls_server_config.client_ca_file") named = &config.tls.client_ca_file;
    if (named && access(named->c_str(), R_OK) != 0) {
      throw WebConfigError(web_config_message(config, position.key, "cannot read '" + *named + "'"));
    }
  }
  return config;
}

}  // namespace ainode
