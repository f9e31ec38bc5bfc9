#include "control/token_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ainode {

std::string read_token_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("control.token_file: cannot read " + path + ": " + std::strerror(errno));
  std::string token;
  std::getline(file, token);
  auto first = token.find_first_not_of(" \t\r\n");
  auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
  if (token.empty()) throw std::runtime_error("control.token_file: " + path + " holds no token");
  if (token.size() < 16) {
    throw std::runtime_error("control.token_file: the token in " + path +
                             " is shorter than 16 characters (e.g. use `openssl rand -hex 32`)");
  }
  return token;
}

}  // namespace ainode
