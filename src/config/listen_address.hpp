#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

struct ListenAddress {
  std::string host;  // "" means every interface
  std::uint16_t port = 0;
};

// "0.0.0.0:9100", "127.0.0.1:0", "[::1]:9100", ":9100".
std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace ainode
