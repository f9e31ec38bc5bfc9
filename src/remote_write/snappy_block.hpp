#pragma once
// Snappy block format (not the framed format, which remote_write forbids).
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

std::string snappy_block_compress(std::string_view raw);
// nullopt when `compressed` is not a valid snappy block.
std::optional<std::string> snappy_block_uncompress(std::string_view compressed);

}  // namespace ainode
