#pragma once
// A system library opened at run time (dlopen) instead of linked, so the
// agent maps libcurl, libfreeipmi or libsqlite3 (and everything they pull
// in: GnuTLS, Kerberos, LDAP, ...) only once an integration that needs them
// is configured. Opened once and never closed: a thread may still be inside
// it at exit, and a library's own atexit handlers expect to outlive us.
#include <dlfcn.h>

#include <initializer_list>
#include <string>

namespace ainode {

struct SharedLibrary {
  void* handle = nullptr;
  std::string error;  // why none of the names loaded, for people ("install libcurl4")
  // Symbols the library lacks, comma-separated; "" when all were found.
  std::string missing;

  bool usable() const { return handle != nullptr && missing.empty(); }
  // The whole problem in one line, naming the library and what is absent.
  std::string problem(const std::string& library) const;

  // Binds `slot` to the symbol `name`, or records it as missing.
  template <typename Function>
  void bind(Function& slot, const char* name) {
    void* symbol = handle != nullptr ? dlsym(handle, name) : nullptr;
    if (symbol == nullptr) {
      missing += (missing.empty() ? "" : ",") + std::string(name);
      return;
    }
    slot = reinterpret_cast<Function>(symbol);
  }
};

// A table of function pointers bound from one library, kept in a
// function-local static by its accessor (src/dynlib): the library is opened
// once, on first use, thread safely.
template <typename Api>
struct LoadedApi {
  Api api;
  std::string error;  // "" when every function was found

  // The table, or null with `error_out` saying why.
  const Api* get(std::string& error_out) const {
    error_out = error;
    return error.empty() ? &api : nullptr;
  }
};

// Opens the first of `sonames` that loads (RTLD_NOW | RTLD_LOCAL: its own
// dependencies stay out of our symbol namespace). `package` names what to
// install when none does.
SharedLibrary open_shared_library(std::initializer_list<const char*> sonames, const std::string& package);

}  // namespace ainode
