#include "control/control_authenticator.hpp"

#include <gtest/gtest.h>

using namespace ainode;

namespace {
const std::string kToken = "0123456789abcdef0123456789abcdef";
}

TEST(ControlAuthenticator, LoopbackAddresses) {
  for (auto a : {"127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1", "[::1]"}) EXPECT_TRUE(is_loopback_address(a)) << a;
  for (auto a : {"10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "", "localhost", "fe80::1"}) {
    EXPECT_FALSE(is_loopback_address(a)) << a;
  }
}

TEST(ControlAuthenticator, LoopbackWithoutCredentialsIsAcceptedByDefault) {
  auto d = authorize_control({"127.0.0.1", "", "", ""}, {});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.identity.method, AuthMethod::loopback);
  EXPECT_EQ(d.identity.peer, "127.0.0.1");
}

TEST(ControlAuthenticator, RemoteIsRefusedUnlessAllowedEvenWithTheToken) {
  auto d = authorize_control({"10.1.2.3", "Bearer " + kToken, "", ""}, {false, kToken});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 403u);
  EXPECT_NE(d.reason.find("control.allow_remote"), std::string::npos);
}

TEST(ControlAuthenticator, RemoteWithTheRightTokenIsAccepted) {
  auto d = authorize_control({"10.1.2.3", "Bearer " + kToken, "", ""}, {true, kToken});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.identity.method, AuthMethod::token);
  EXPECT_TRUE(authorize_control({"10.1.2.3", "bearer  " + kToken + " ", "", ""}, {true, kToken}).allowed);
}

TEST(ControlAuthenticator, WrongMissingOrMalformedTokenIs401) {
  ControlAuthPolicy policy{true, kToken};
  EXPECT_EQ(authorize_control({"10.1.2.3", "Bearer wrong", "", ""}, policy).status, 401u);
  EXPECT_EQ(authorize_control({"10.1.2.3", "Bearer " + kToken + "x", "", ""}, policy).status, 401u);
  EXPECT_EQ(authorize_control({"10.1.2.3", "Bearer " + kToken.substr(1), "", ""}, policy).status, 401u);
  EXPECT_EQ(authorize_control({"10.1.2.3", "", "", ""}, policy).status, 401u);
  EXPECT_EQ(authorize_control({"10.1.2.3", "Basic dXNlcjpwYXNz", "", ""}, policy).status, 401u);
  EXPECT_EQ(authorize_control({"10.1.2.3", "Bearer ", "", ""}, policy).status, 401u);
}

TEST(ControlAuthenticator, AWrongTokenIsRefusedFromLoopbackToo) {
  auto d = authorize_control({"127.0.0.1", "Bearer nope", "", ""}, {false, kToken});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 401u);
  EXPECT_EQ(authorize_control({"127.0.0.1", "Bearer " + kToken, "", ""}, {false, ""}).status, 401u)
      << "a token when none is configured is not silently accepted";
}

TEST(ControlAuthenticator, VerifiedClientCertificateIsAnIdentity) {
  auto d = authorize_control({"10.1.2.3", "", "CN=prometheus,O=ops", ""}, {true, ""});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.identity.method, AuthMethod::client_certificate);
  EXPECT_EQ(d.identity.subject, "CN=prometheus,O=ops");
}

TEST(ControlAuthenticator, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(ControlAuthenticator, BasicAuthTheServerVerifiedIsNotABearerTokenNorARemoteCredential) {
  auto local = authorize_control({"127.0.0.1", "Basic dXNlcjpwYXNz", "", "prometheus"}, {});
  EXPECT_TRUE(local.allowed);
  EXPECT_EQ(local.identity.method, AuthMethod::loopback);
  EXPECT_EQ(local.identity.subject, "basic:prometheus");
  auto remote = authorize_control({"10.0.0.3", "Basic dXNlcjpwYXNz", "", "prometheus"}, {true, kToken});
  EXPECT_EQ(remote.status, 401u);
  EXPECT_NE(remote.reason.find("client certificate"), std::string::npos);
  EXPECT_TRUE(authorize_control({"10.0.0.3", "Basic dXNlcjpwYXNz", "CN=ops", "prometheus"}, {true, ""}).allowed);
}
