#include "remote_write/snappy_block.hpp"

#include <snappy-c.h>

#include "core/exact_output.hpp"

namespace ainode {

std::string snappy_block_compress(std::string_view raw) {
  // The block is kept (the buffer's memory tier counts its size, a send
  // holds it for the request): exactly its size, not the worst case's.
  auto out = exact_output(snappy_max_compressed_length(raw.size()),
                          [&](char* buffer, std::size_t capacity) -> std::optional<std::size_t> {
                            std::size_t length = capacity;
                            // Cannot fail: the output buffer has the maximum size.
                            ::snappy_compress(raw.data(), raw.size(), buffer, &length);
                            return length;
                          });
  return std::move(*out);
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
