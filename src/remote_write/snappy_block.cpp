#include "remote_write/snappy_block.hpp"

#include <snappy-c.h>

namespace ainode {

std::string snappy_block_compress(std::string_view raw) {
  std::string out(snappy_max_compressed_length(raw.size()), '\0');
  std::size_t length = out.size();
  // Cannot fail: the output buffer has the maximum size.
  ::snappy_compress(raw.data(), raw.size(), out.data(), &length);
  out.resize(length);
  // The block is kept (the buffer's memory tier counts its size, a send
  // holds it for the request): give back the worst case's spare room.
  out.shrink_to_fit();
  return out;
}

std::optional<std::string> snappy_block_uncompress(std::string_view compressed) {
  std::size_t length = 0;
  if (snappy_uncompressed_length(compressed.data(), compressed.size(), &length) != SNAPPY_OK) return std::nullopt;
  // A corrupt header could claim gigabytes; a cycle is far below this.
  if (length > (std::size_t{1} << 30)) return std::nullopt;
  std::string out(length, '\0');
  if (::snappy_uncompress(compressed.data(), compressed.size(), out.data(), &length) != SNAPPY_OK) return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace ainode
