#include "http/url_parser.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace ainode {

namespace {

bool is_ipv4(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool is_ipv6(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

// RFC 3986 reg-name characters that a DNS name or an address can hold; no
// userinfo ("user@host" is refused: credentials belong in the token file).
bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool lowercase_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  HttpUrl parsed;
  std::string_view rest;
  if (lowercase_prefix(url, "https://")) {
    parsed.tls = true;
    rest = url.substr(8);
  } else if (lowercase_prefix(url, "http://")) {
    rest = url.substr(7);
  } else {
    error = "not an http:// or https:// URL";
    return std::nullopt;
  }
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      error = "the URL holds a space or a control character";
      return std::nullopt;
    }
  }
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  target = target.substr(0, target.find('#'));
  parsed.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);

  if (authority.find('@') != std::string_view::npos) {
    error = "user:password@ is not accepted in the URL (the token file carries credentials)";
    return std::nullopt;
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "an IPv6 address without its closing ']'";
      return std::nullopt;
    }
    parsed.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6(parsed.host)) {
      error = "'" + parsed.host + "' is not an IPv6 address";
      return std::nullopt;
    }
    parsed.host_is_ip = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "text after the IPv6 address that is not a port";
        return std::nullopt;
      }
      port = after.substr(1);
      parsed.default_port = false;
    }
  } else {
    std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      parsed.default_port = false;
    }
    if (parsed.host.empty()) {
      error = "no host";
      return std::nullopt;
    }
    if (!std::all_of(parsed.host.begin(), parsed.host.end(), valid_host_char)) {
      error = "'" + parsed.host + "' is not a host name or address";
      return std::nullopt;
    }
    parsed.host_is_ip = is_ipv4(parsed.host);
  }
  if (parsed.default_port) {
    parsed.port = parsed.tls ? "443" : "80";
  } else {
    bool digits = !port.empty() && port.size() <= 5 &&
                  std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      error = "'" + std::string(port) + "' is not a port (1-65535)";
      return std::nullopt;
    }
    parsed.port = std::string(port);
  }
  return parsed;
}

std::string host_header(const HttpUrl& url) {
  bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  return url.default_port ? host : host + ":" + url.port;
}

}  // namespace ainode
