#pragma once
// libxcrypt's crypt_r, opened at run time (core/shared_library.hpp): only
// basic auth (web config basic_auth_users) checks bcrypt hashes, and a linked
// libcrypt costs every agent ~80 KiB of RSS. <crypt.h> gives the types.
#include <crypt.h>

#include <string>

namespace ainode {

struct CryptApi {
  char* (*crypt_r)(const char*, const char*, crypt_data*) = nullptr;
};

// libcrypt.so.1, opened on the first call (thread safe); null with `error`
// set when it is absent or lacks crypt_r.
const CryptApi* crypt_api(std::string& error);

}  // namespace ainode
