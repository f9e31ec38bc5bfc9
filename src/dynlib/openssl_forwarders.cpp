// Forwarders for the OpenSSL functions the agent calls (dynlib/openssl_api.hpp).
// Each is defined with the prototype <openssl/*.h> declares, so the compiler
// rejects any mismatch, and is hidden, so it never interposes on the real
// symbol for a library that links OpenSSL itself (libcurl, gRPC in the twin).
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "core/shared_library.hpp"
#include "dynlib/openssl_api.hpp"

namespace ainode {

namespace {

const SharedLibrary& libssl() {
  static const SharedLibrary library = open_shared_library({"libssl.so.3"}, "libssl3");
  return library;
}

// The symbol from libssl or its libcrypto (dlsym on a handle searches the
// library's dependencies too). Reaching a forwarder without the library means
// a caller skipped openssl_available(): say which function and stop, rather
// than jump through a null pointer.
template <typename Function>
Function openssl_symbol(const char* name) {
  const SharedLibrary& library = libssl();
  void* symbol = library.handle != nullptr ? dlsym(library.handle, name) : nullptr;
  if (symbol == nullptr) {
    std::fprintf(stderr, "ainode: OpenSSL function %s unavailable: %s\n", name,
                 library.handle != nullptr ? "not in libssl.so.3/libcrypto.so.3" : library.error.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(symbol);
}

}  // namespace

bool openssl_available(std::string& error) {
  error = libssl().problem("libssl.so.3");
  return error.empty();
}

}  // namespace ainode

#define AINODE_OPENSSL_FORWARD(ret, name, params, args)                                      \
  extern "C" __attribute__((visibility("hidden"))) ret name params {                         \
    static const auto real = ainode::openssl_symbol<ret(*) params>(#name);                  \
    return real args;                                                                         \
  }

// The functions called by src/web (TLS listener, client certificates, basic
// auth) and by Boost.Asio's ssl::context and ssl::stream.
AINODE_OPENSSL_FORWARD(long, SSL_CTX_ctrl, (SSL_CTX *ctx, int cmd, long larg, void *parg), (ctx, cmd, larg, parg))
AINODE_OPENSSL_FORWARD(void, SSL_CTX_free, (SSL_CTX *a0), (a0))
AINODE_OPENSSL_FORWARD(X509 *, SSL_CTX_get0_certificate, (const SSL_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(void *, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(void *, SSL_CTX_get_ex_data, (const SSL_CTX *ssl, int idx), (ssl, idx))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_load_verify_locations, (SSL_CTX *ctx, const char *CAfile, const char *CApath), (ctx, CAfile, CApath))
AINODE_OPENSSL_FORWARD(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *meth), (meth))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_set_cipher_list, (SSL_CTX *a0, const char *str), (a0, str))
AINODE_OPENSSL_FORWARD(void, SSL_CTX_set_client_CA_list, (SSL_CTX *ctx, struct stack_st_X509_NAME *name_list), (ctx, name_list))
AINODE_OPENSSL_FORWARD(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX *ctx, void *u), (ctx, u))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_set_ex_data, (SSL_CTX *ssl, int idx, void *data), (ssl, idx, data))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_set_num_tickets, (SSL_CTX *ctx, size_t num_tickets), (ctx, num_tickets))
AINODE_OPENSSL_FORWARD(uint64_t, SSL_CTX_set_options, (SSL_CTX *ctx, uint64_t op), (ctx, op))
AINODE_OPENSSL_FORWARD(void, SSL_CTX_set_verify, (SSL_CTX *ctx, int mode, SSL_verify_cb callback), (ctx, mode, callback))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_use_PrivateKey, (SSL_CTX *ctx, EVP_PKEY *pkey), (ctx, pkey))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX *ctx, const char *file), (ctx, file))
AINODE_OPENSSL_FORWARD(int, SSL_accept, (SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(int, SSL_connect, (SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(long, SSL_ctrl, (SSL *ssl, int cmd, long larg, void *parg), (ssl, cmd, larg, parg))
AINODE_OPENSSL_FORWARD(void, SSL_free, (SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(X509 *, SSL_get1_peer_certificate, (const SSL *s), (s))
AINODE_OPENSSL_FORWARD(int, SSL_get_error, (const SSL *s, int ret_code), (s, ret_code))
AINODE_OPENSSL_FORWARD(void *, SSL_get_ex_data, (const SSL *ssl, int idx), (ssl, idx))
AINODE_OPENSSL_FORWARD(int, SSL_get_shutdown, (const SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(SSL_verify_cb, SSL_get_verify_callback, (const SSL *s), (s))
AINODE_OPENSSL_FORWARD(int, SSL_get_verify_mode, (const SSL *s), (s))
AINODE_OPENSSL_FORWARD(long, SSL_get_verify_result, (const SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(struct stack_st_X509_NAME *, SSL_load_client_CA_file, (const char *file), (file))
AINODE_OPENSSL_FORWARD(SSL *, SSL_new, (SSL_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(int, SSL_read, (SSL *ssl, void *buf, int num), (ssl, buf, num))
AINODE_OPENSSL_FORWARD(void, SSL_set_bio, (SSL *s, BIO *rbio, BIO *wbio), (s, rbio, wbio))
AINODE_OPENSSL_FORWARD(int, SSL_set_ex_data, (SSL *ssl, int idx, void *data), (ssl, idx, data))
AINODE_OPENSSL_FORWARD(int, SSL_write, (SSL *ssl, const void *buf, int num), (ssl, buf, num))
AINODE_OPENSSL_FORWARD(const SSL_METHOD *, TLS_client_method, (), ())
AINODE_OPENSSL_FORWARD(const SSL_METHOD *, TLS_method, (), ())
AINODE_OPENSSL_FORWARD(const SSL_METHOD *, TLS_server_method, (), ())
// The outbound HTTPS client (http/http_get.cpp): system CAs, the server's
// name or address checked against its certificate, and why it failed.
AINODE_OPENSSL_FORWARD(SSL_verify_cb, SSL_CTX_get_verify_callback, (const SSL_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(int, SSL_CTX_set_default_verify_paths, (SSL_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(int, SSL_set1_host, (SSL *s, const char *hostname), (s, hostname))
AINODE_OPENSSL_FORWARD(X509_VERIFY_PARAM *, SSL_get0_param, (SSL *ssl), (ssl))
AINODE_OPENSSL_FORWARD(int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM *param, const char *ipasc), (param, ipasc))
AINODE_OPENSSL_FORWARD(const char *, X509_verify_cert_error_string, (long n), (n))
AINODE_OPENSSL_FORWARD(long, BIO_ctrl, (BIO *bp, int cmd, long larg, void *parg), (bp, cmd, larg, parg))
AINODE_OPENSSL_FORWARD(size_t, BIO_ctrl_pending, (BIO *b), (b))
AINODE_OPENSSL_FORWARD(int, BIO_free, (BIO *a), (a))
AINODE_OPENSSL_FORWARD(BIO *, BIO_new, (const BIO_METHOD *type), (type))
AINODE_OPENSSL_FORWARD(int, BIO_new_bio_pair, (BIO **bio1, size_t writebuf1, BIO **bio2, size_t writebuf2), (bio1, writebuf1, bio2, writebuf2))
AINODE_OPENSSL_FORWARD(int, BIO_read, (BIO *b, void *data, int dlen), (b, data, dlen))
AINODE_OPENSSL_FORWARD(const BIO_METHOD *, BIO_s_mem, (), ())
AINODE_OPENSSL_FORWARD(int, BIO_write, (BIO *b, const void *data, int dlen), (b, data, dlen))
AINODE_OPENSSL_FORWARD(int, CRYPTO_memcmp, (const void *in_a, const void *in_b, size_t len), (in_a, in_b, len))
AINODE_OPENSSL_FORWARD(void, ERR_clear_error, (), ())
AINODE_OPENSSL_FORWARD(void, ERR_error_string_n, (unsigned long e, char *buf, size_t len), (e, buf, len))
AINODE_OPENSSL_FORWARD(unsigned long, ERR_get_error, (), ())
AINODE_OPENSSL_FORWARD(const char *, ERR_reason_error_string, (unsigned long e), (e))
AINODE_OPENSSL_FORWARD(int, EVP_DecodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n))
AINODE_OPENSSL_FORWARD(int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s), (ctx, md, s))
AINODE_OPENSSL_FORWARD(int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl))
AINODE_OPENSSL_FORWARD(int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *d, size_t cnt), (ctx, d, cnt))
AINODE_OPENSSL_FORWARD(void, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx))
AINODE_OPENSSL_FORWARD(EVP_MD_CTX *, EVP_MD_CTX_new, (), ())
AINODE_OPENSSL_FORWARD(void, EVP_PKEY_free, (EVP_PKEY *pkey), (pkey))
AINODE_OPENSSL_FORWARD(const EVP_MD *, EVP_sha256, (), ())
AINODE_OPENSSL_FORWARD(EVP_PKEY *, PEM_read_PrivateKey, (FILE *out, EVP_PKEY **x, pem_password_cb *cb, void *u), (out, x, cb, u))
AINODE_OPENSSL_FORWARD(int, X509_NAME_print_ex, (BIO *out, const X509_NAME *nm, int indent, unsigned long flags), (out, nm, indent, flags))
AINODE_OPENSSL_FORWARD(int, X509_check_private_key, (const X509 *x509, const EVP_PKEY *pkey), (x509, pkey))
AINODE_OPENSSL_FORWARD(int, X509_cmp_current_time, (const ASN1_TIME *s), (s))
AINODE_OPENSSL_FORWARD(void, X509_free, (X509 *a), (a))
AINODE_OPENSSL_FORWARD(const ASN1_TIME *, X509_get0_notAfter, (const X509 *x), (x))
AINODE_OPENSSL_FORWARD(const ASN1_TIME *, X509_get0_notBefore, (const X509 *x), (x))
AINODE_OPENSSL_FORWARD(X509_NAME *, X509_get_subject_name, (const X509 *a), (a))
