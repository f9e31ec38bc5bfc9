#pragma once
#include <string>
#include <string_view>

namespace ainode {

// gzip (RFC 1952) of `data`; throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);

}  // namespace ainode
