#include "http/url_parser.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

HttpUrl parsed(const std::string& text) {
  std::string error;
  auto url = parse_http_url(text, error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  return url.value_or(HttpUrl{});
}

std::string refusal(const std::string& text) {
  std::string error;
  auto url = parse_http_url(text, error);
  EXPECT_FALSE(url.has_value()) << text << " was accepted";
  return error;
}

TEST(UrlParser, KubeletUrlWithAnAddressAndPort) {
  HttpUrl url = parsed("https://10.0.0.5:10250/stats/summary");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, "10250");
  EXPECT_EQ(url.target, "/stats/summary");
  EXPECT_TRUE(url.host_is_ip);
  EXPECT_EQ(host_header(url), "10.0.0.5:10250");
}

TEST(UrlParser, DefaultPortsAndTargets) {
  HttpUrl plain = parsed("http://model-server.local");
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(plain.port, "80");
  EXPECT_EQ(plain.target, "/");
  EXPECT_FALSE(plain.host_is_ip);
  EXPECT_EQ(host_header(plain), "model-server.local");
  EXPECT_EQ(parsed("HTTPS://node").port, "443") << "the scheme is case-insensitive";
  EXPECT_EQ(parsed("http://h:8000?x=1").target, "/?x=1");
  EXPECT_EQ(parsed("http://h/metrics?a=b#frag").target, "/metrics?a=b") << "the fragment is never sent";
}

TEST(UrlParser, Ipv6Literals) {
  HttpUrl url = parsed("http://[::1]:9400/metrics");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "9400");
  EXPECT_TRUE(url.host_is_ip);
  EXPECT_EQ(host_header(url), "[::1]:9400");
  EXPECT_EQ(host_header(parsed("https://[fd00::5]")), "[fd00::5]");
}

TEST(UrlParser, BadUrlsAreRefusedWithAReason) {
  EXPECT_NE(refusal("ftp://h/").find("http"), std::string::npos);
  EXPECT_NE(refusal("10.0.0.5:10250").find("http"), std::string::npos);
  EXPECT_NE(refusal("http://").find("no host"), std::string::npos);
  EXPECT_NE(refusal("http://:80/").find("no host"), std::string::npos);
  EXPECT_NE(refusal("http://h:0/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://h:65536/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://h:/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://h:12ab/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://user:pw@h/").find("user"), std::string::npos);
  EXPECT_NE(refusal("http://[::1/").find("]"), std::string::npos);
  EXPECT_NE(refusal("http://[zz]/").find("IPv6"), std::string::npos);
  EXPECT_NE(refusal("http://[::1]x/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://h/a b").find("space"), std::string::npos);
  EXPECT_NE(refusal(std::string("http://h/\r\nX-Injected: 1")).find("control"), std::string::npos)
      << "no header injection through a configured URL";
}

}  // namespace
}  // namespace ainode
