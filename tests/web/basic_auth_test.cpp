#include "web/basic_auth.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace ainode;

namespace {

using Users = std::map<std::string, std::string>;

// bcrypt of "secret" at cost 4 (python3 crypt.crypt, libxcrypt), in the
// three prefixes web-config.yml files carry (htpasswd writes $2y$).
constexpr const char* kSecret2b = "$2b$04$RAvu7k8Pm7YUYKw8qV3jyOVUG75fy7KekN0uAnSQfkVdvIg2Jitbm";
constexpr const char* kSecret2y = "$2y$04$dl2p3BmwNC/lVjKUmAk2e.ydaCFwnwOtqkJOKmQ7mBjRR34LSdDRm";
constexpr const char* kSecret2a = "$2a$04$RAvu7k8Pm7YUYKw8qV3jyOVUG75fy7KekN0uAnSQfkVdvIg2Jitbm";

}  // namespace

TEST(BasicAuthorization, DecodesUserAndPassword) {
  auto credentials = parse_basic_authorization("Basic YWxpY2U6c2VjcmV0");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "alice");
  EXPECT_EQ(credentials->password, "secret");
  // The password may hold ':'; only the first one separates.
  auto colon = parse_basic_authorization("basic YWxpY2U6cGE6c3M=");
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->password, "pa:ss");
  auto empty = parse_basic_authorization("BASIC Ym9iOg==");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->user, "bob");
  EXPECT_EQ(empty->password, "");
}

TEST(BasicAuthorization, RefusesEverythingElse) {
  EXPECT_FALSE(parse_basic_authorization(""));
  EXPECT_FALSE(parse_basic_authorization("Bearer YWxpY2U6c2VjcmV0"));
  EXPECT_FALSE(parse_basic_authorization("Basic"));
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!"));
  EXPECT_FALSE(parse_basic_authorization("Basic YWxpY2U"));      // not a multiple of 4
  EXPECT_FALSE(parse_basic_authorization("Basic YWxpY2Vfc2VjcmV0"));  // no ':' inside
}

TEST(Bcrypt, MatchesEveryPrefixAndRefusesWrongPasswords) {
  EXPECT_TRUE(bcrypt_matches(kSecret2b, "secret"));
  EXPECT_TRUE(bcrypt_matches(kSecret2y, "secret"));
  EXPECT_TRUE(bcrypt_matches(kSecret2a, "secret"));
  EXPECT_FALSE(bcrypt_matches(kSecret2b, "Secret"));
  EXPECT_FALSE(bcrypt_matches(kSecret2b, ""));
  EXPECT_FALSE(bcrypt_matches(kSecret2b, std::string_view("secret\0x", 8)));
  // Not bcrypt: refused even though crypt_r knows other schemes.
  EXPECT_FALSE(bcrypt_matches("$6$salt$hash", "secret"));
  EXPECT_FALSE(bcrypt_matches("", ""));
}

TEST(BasicAuthenticator, VerifiesAndRemembersOnlySuccesses) {
  BasicAuthenticator auth(Users{{"alice", kSecret2y}});
  EXPECT_TRUE(auth.enabled());
  BasicCredentials good{"alice", "secret"};
  BasicCredentials wrong{"alice", "guess"};
  BasicCredentials stranger{"mallory", "secret"};
  EXPECT_FALSE(auth.known_good(good));
  EXPECT_TRUE(auth.verify(good));
  EXPECT_TRUE(auth.known_good(good));  // the next scrape skips bcrypt
  EXPECT_FALSE(auth.verify(wrong));
  EXPECT_FALSE(auth.known_good(wrong));
  EXPECT_FALSE(auth.verify(stranger));
  EXPECT_FALSE(auth.known_good(stranger));
  EXPECT_FALSE(BasicAuthenticator(Users{}).enabled());
}

TEST(BasicAuthenticator, CacheIsBoundedOldestFirst) {
  BasicAuthenticator auth(Users{{"alice", kSecret2y}, {"bob", kSecret2b}}, 1);
  ASSERT_TRUE(auth.verify({"alice", "secret"}));
  ASSERT_TRUE(auth.verify({"bob", "secret"}));
  EXPECT_FALSE(auth.known_good({"alice", "secret"}));
  EXPECT_TRUE(auth.known_good({"bob", "secret"}));
}

// The cache is what keeps a scrape from paying bcrypt: at cost 10 a check
// takes tens of milliseconds, a remembered one microseconds.
TEST(BasicAuthenticator, RememberedCheckSkipsBcrypt) {
  // bcrypt of "not a real password" at cost 10.
  BasicAuthenticator auth(Users{{"alice", "$2b$10$xiSTUQhIo/ki42UIH7B6OuLGYLwVxDJPCH.0ani9f0TSGWDc5Ey7u"}});
  BasicCredentials credentials{"alice", "not a real password"};
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(auth.verify(credentials));
  auto first = std::chrono::steady_clock::now() - start;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(auth.verify(credentials));
  auto hundred = std::chrono::steady_clock::now() - start;
  EXPECT_LT(hundred, first) << "100 remembered checks should cost less than one bcrypt";
}
