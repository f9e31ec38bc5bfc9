#include "dynlib/crypt_api.hpp"

#include "core/shared_library.hpp"

namespace ainode {

namespace {

struct LoadedCrypt {
  CryptApi api;
  std::string error;
};

LoadedCrypt load_crypt() {
  LoadedCrypt loaded;
  SharedLibrary library = open_shared_library({"libcrypt.so.1"}, "libcrypt1");
  library.bind(loaded.api.crypt_r, "crypt_r");
  loaded.error = library.problem("libcrypt");
  return loaded;
}

}  // namespace

const CryptApi* crypt_api(std::string& error) {
  static const LoadedCrypt loaded = load_crypt();
  error = loaded.error;
  return loaded.error.empty() ? &loaded.api : nullptr;
}

}  // namespace ainode
