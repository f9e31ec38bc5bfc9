#include "web/basic_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "core/text.hpp"
#include "dynlib/crypt_api.hpp"

namespace ainode {

namespace {

// bcrypt of "not a real password" at cost 10: what an unknown user is
// checked against, so an unknown user costs as much as a known one.
constexpr const char* kDecoyHash = "$2b$10$xiSTUQhIo/ki42UIH7B6OuLGYLwVxDJPCH.0ani9f0TSGWDc5Ey7u";

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string sha256(std::string_view a, std::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), a.data(), a.size()) != 1 || EVP_DigestUpdate(context.get(), "\0", 1) != 1 ||
      EVP_DigestUpdate(context.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  header = text::trim(header);
  auto space = header.find(' ');
  if (space == std::string_view::npos || !equal_ignoring_case(header.substr(0, space), "basic")) return std::nullopt;
  std::string_view encoded = text::trim(header.substr(space + 1));
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return std::nullopt;
  std::string decoded(encoded.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                               reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that '=' padding stands for.
  std::size_t padding = encoded.ends_with("==") ? 2 : encoded.ends_with("=") ? 1 : 0;
  decoded.resize(static_cast<std::size_t>(length) - padding);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

bool bcrypt_matches(std::string_view hash, std::string_view password) {
  if (!hash.starts_with("$2a$") && !hash.starts_with("$2b$") && !hash.starts_with("$2y$")) return false;
  // crypt_r wants NUL-terminated strings; a password with a NUL in it
  // cannot match what was hashed from a C string.
  if (password.find('\0') != std::string_view::npos) return false;
  std::string load_error;
  const CryptApi* api = crypt_api(load_error);
  if (api == nullptr) return false;  // the web config was refused with load_error already
  std::string key(password);
  std::string setting(hash);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* result = api->crypt_r(key.c_str(), setting.c_str(), data.get());
  // Failure is "*0"/"*1" or NULL, never equal to a real hash.
  if (!result || result[0] == '*') return false;
  std::size_t length = std::strlen(result);
  return length == setting.size() && CRYPTO_memcmp(result, setting.data(), length) == 0;
}

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users, std::size_t cache_capacity)
    : users_(std::move(users)), cache_capacity_(cache_capacity) {}

std::string BasicAuthenticator::cache_key(const BasicCredentials& credentials) const {
  auto user = users_.find(credentials.user);
  // The stored hash is part of the key, so a reload that changes a user's
  // hash forgets the user's old password.
  std::string_view hash = user == users_.end() ? "" : std::string_view(user->second);
  return credentials.user + std::string(1, '\0') + sha256(hash, credentials.password);
}

bool BasicAuthenticator::known_good(const BasicCredentials& credentials) const {
  if (users_.find(credentials.user) == users_.end()) return false;
  std::string key = cache_key(credentials);
  std::lock_guard lock(mutex_);
  return good_.count(key) > 0;
}

bool BasicAuthenticator::verify(const BasicCredentials& credentials) {
  auto user = users_.find(credentials.user);
  if (user == users_.end()) {
    bcrypt_matches(kDecoyHash, credentials.password);
    return false;
  }
  if (known_good(credentials)) return true;
  if (!bcrypt_matches(user->second, credentials.password)) return false;
  std::string key = cache_key(credentials);
  std::lock_guard lock(mutex_);
  if (good_.insert(key).second) {
    order_.push_back(key);
    if (order_.size() > cache_capacity_) {
      good_.erase(order_.front());
      order_.pop_front();
    }
  }
  return true;
}

}  // namespace ainode
