#include "config/listen_address.hpp"

#include "core/text.hpp"

namespace ainode {

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  auto port = text::to_u64(text.substr(colon + 1));
  if (!port || *port > 65535) return std::nullopt;
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 host must be bracketed
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(*port)};
}

}  // namespace ainode
