#include "core/shared_library.hpp"

namespace ainode {

std::string SharedLibrary::problem(const std::string& library) const {
  if (handle == nullptr) return error;
  if (!missing.empty()) return library + " lacks " + missing + " (too old a version?)";
  return "";
}

SharedLibrary open_shared_library(std::initializer_list<const char*> sonames, const std::string& package) {
  SharedLibrary library;
  std::string tried;
  std::string last_reason;
  for (const char* soname : sonames) {
    library.handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (library.handle != nullptr) return library;
    const char* reason = dlerror();
    last_reason = reason != nullptr ? reason : soname;
    tried += (tried.empty() ? "" : ", ") + std::string(soname);
  }
  library.error = "cannot load " + tried + " (" + last_reason + "); install " + package;
  return library;
}

}  // namespace ainode
