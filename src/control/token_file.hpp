#pragma once
#include <string>

namespace ainode {

// The bearer token in `path` (control.token_file): the file's first line,
// surrounding whitespace removed. Throws std::runtime_error naming the key
// and the file when it cannot be read or holds no token. A token shorter
// than 16 characters is refused: it could be guessed over the network.
std::string read_token_file(const std::string& path);

}  // namespace ainode
