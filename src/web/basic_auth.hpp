#pragma once
// HTTP basic auth against web-config.yml's bcrypt hashes. bcrypt is slow on
// purpose (tens of milliseconds at cost 10), and Prometheus sends the same
// credentials every scrape, so a successful check is remembered: a scrape
// then costs one SHA-256, not one bcrypt.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ainode {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Decodes an Authorization header value "Basic <base64(user:password)>"
// (scheme case-insensitive); nullopt when it is anything else.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

// Whether `password` hashes to `hash` under bcrypt ($2a$/$2b$/$2y$), with
// libxcrypt's crypt_r; the result is compared in constant time.
bool bcrypt_matches(std::string_view hash, std::string_view password);

class BasicAuthenticator {
 public:
  // users: user -> bcrypt hash. At most cache_capacity successful checks
  // are remembered (oldest forgotten first).
  explicit BasicAuthenticator(std::map<std::string, std::string> users, std::size_t cache_capacity = 256);

  bool enabled() const { return !users_.empty(); }

  // Answered from the cache of successful checks: true if these exact
  // credentials passed before. Cheap; safe on the io thread.
  bool known_good(const BasicCredentials& credentials) const;

  // The full check (bcrypt, tens of milliseconds): run it off the io
  // thread. An unknown user is checked against a fixed hash so that timing
  // does not tell which users exist. Thread-safe.
  bool verify(const BasicCredentials& credentials);

 private:
  std::string cache_key(const BasicCredentials& credentials) const;

  std::map<std::string, std::string> users_;
  std::size_t cache_capacity_;
  mutable std::mutex mutex_;
  std::set<std::string> good_;       // keys: user, NUL, SHA-256 of hash and password
  std::deque<std::string> order_;    // insertion order, for eviction
};

}  // namespace ainode
