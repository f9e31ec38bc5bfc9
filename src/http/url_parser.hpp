#pragma once
// The parts of an http:// or https:// URL that a client needs to connect
// and ask: the agent's outbound GETs (kubelet, model servers) take their
// URLs from configuration, so a bad one must be refused with a reason
// before any connection is tried. Pure: tested on strings, fuzzed.
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

struct HttpUrl {
  bool tls = false;     // https
  std::string host;     // "10.0.0.5", "kubelet.local", "::1" (no brackets)
  std::string port;     // always set: the URL's or the scheme's default
  std::string target;   // "/stats/summary?x=1", at least "/"; the fragment dropped
  bool default_port = true;  // the URL named no port (Host: then carries none)
  bool host_is_ip = false;   // an IPv4 or bracketed IPv6 literal: no SNI, IP SAN check
};

// The URL, or nullopt with `error` saying what is wrong with it.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

// "host", "host:port", "[v6]" or "[v6]:port": the Host header's value.
std::string host_header(const HttpUrl& url);

}  // namespace ainode
