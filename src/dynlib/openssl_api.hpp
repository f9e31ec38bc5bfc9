#pragma once
// libssl.so.3 (and the libcrypto.so.3 it depends on), opened at run time on
// the first OpenSSL call, not linked: mapped and relocated, the two cost every
// agent about 1.7 MiB of RSS (issue 15), yet only a TLS listener
// (tls_server_config) or basic auth in --web.config.file calls them.
//
// The agent's code, and Boost.Asio's SSL layer, keep calling OpenSSL by its
// own names; openssl_forwarders.cpp defines each function the agent uses,
// with <openssl/*.h>'s exact prototype, as a hidden forwarder into the
// opened library. A new OpenSSL call fails to link until it gets a forwarder.
#include <string>

namespace ainode {

// Opens libssl.so.3 if not yet open (thread safe). False, with `error`
// naming the library and what to install, when it cannot be loaded; the
// places that need TLS check this first, so a missing library is a clear
// configuration error rather than a crash inside a forwarder.
bool openssl_available(std::string& error);

}  // namespace ainode
