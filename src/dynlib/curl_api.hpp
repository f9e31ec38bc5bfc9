#pragma once
// libcurl's easy interface, opened at run time (core/shared_library.hpp):
// only the kubelet HTTPS client, remote_write and the `ainode events`
// command need it, and linking it maps GnuTLS, Kerberos, LDAP, SSH and RTMP
// libraries into every agent (about 3 MiB of RSS) whether they are used or
// not. <curl/curl.h> is used for its types and constants only.
#include <curl/curl.h>

#include <memory>
#include <string>

namespace ainode {

struct CurlApi {
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  char* (*easy_escape)(CURL*, const char*, int) = nullptr;
  void (*free_memory)(void*) = nullptr;  // curl_free
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
};

// libcurl.so.4, opened and globally initialised on the first call (thread
// safe); null with `error` set when it is absent or lacks a function.
const CurlApi* curl_api(std::string& error);

// An easy handle that cleans itself up, and a header list likewise.
using CurlHandle = std::unique_ptr<CURL, void (*)(CURL*)>;
using CurlHeaders = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;
inline CurlHandle make_curl_handle(const CurlApi& api) { return CurlHandle(api.easy_init(), api.easy_cleanup); }
inline CurlHeaders make_curl_headers(const CurlApi& api) { return CurlHeaders(nullptr, api.slist_free_all); }

}  // namespace ainode
