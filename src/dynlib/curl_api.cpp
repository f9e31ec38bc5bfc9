#include "dynlib/curl_api.hpp"

#include "core/shared_library.hpp"

namespace ainode {

namespace {

LoadedApi<CurlApi> load_curl() {
  LoadedApi<CurlApi> loaded;
  SharedLibrary library = open_shared_library({"libcurl.so.4", "libcurl-gnutls.so.4"}, "libcurl4");
  CurlApi& a = loaded.api;
  library.bind(a.easy_init, "curl_easy_init");
  library.bind(a.easy_setopt, "curl_easy_setopt");
  library.bind(a.easy_perform, "curl_easy_perform");
  library.bind(a.easy_getinfo, "curl_easy_getinfo");
  library.bind(a.easy_cleanup, "curl_easy_cleanup");
  library.bind(a.easy_reset, "curl_easy_reset");
  library.bind(a.easy_strerror, "curl_easy_strerror");
  library.bind(a.easy_escape, "curl_easy_escape");
  library.bind(a.free_memory, "curl_free");
  library.bind(a.slist_append, "curl_slist_append");
  library.bind(a.slist_free_all, "curl_slist_free_all");
  CURLcode (*global_init)(long) = nullptr;
  library.bind(global_init, "curl_global_init");
  loaded.error = library.problem("libcurl");
  // curl_global_init is not thread-safe on every libcurl; here it runs once,
  // inside the function-local static's initialisation, which is.
  if (loaded.error.empty() && global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    loaded.error = "curl_global_init failed";
  }
  return loaded;
}

}  // namespace

const CurlApi* curl_api(std::string& error) {
  static const LoadedApi<CurlApi> loaded = load_curl();
  return loaded.get(error);
}

}  // namespace ainode
