#include "dynlib/crypt_api.hpp"

#include "core/shared_library.hpp"

namespace ainode {

namespace {

LoadedApi<CryptApi> load_crypt() {
  LoadedApi<CryptApi> loaded;
  SharedLibrary library = open_shared_library({"libcrypt.so.1"}, "libcrypt1");
  library.bind(loaded.api.crypt_r, "crypt_r");
  loaded.error = library.problem("libcrypt");
  return loaded;
}

}  // namespace

const CryptApi* crypt_api(std::string& error) {
  static const LoadedApi<CryptApi> loaded = load_crypt();
  return loaded.get(error);
}

}  // namespace ainode
