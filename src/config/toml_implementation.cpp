// toml++ compiled into the agent once, here, instead of linking Debian's
// libtomlplusplus.so: like every C++ library the daemon uses, it then comes
// without the shared libstdc++ it needs, and only the parts the agent runs
// are resident (issue 15; cmake/LeanBinary.cmake). Every other file sees
// the declarations only (TOML_HEADER_ONLY=0, set on ainode_lib).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
