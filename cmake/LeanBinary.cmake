# How the daemon's binary is linked so that it pays, in memory, only for the
# code it runs (issue 15). Two measures, for the ainode executable and
# bench_cycle_cost, which must cost what the daemon costs (tests, the twin
# and the other benchmarks link as usual):
#
# 1. Its text laid out by use. Every function is in its own section
#    (-ffunction-sections, set for the whole build) and lld places the
#    functions a running agent executes, listed in cmake/hot-text.order,
#    at the start of .text. The kernel maps text 64 KiB around each fault,
#    so with hot code scattered among cold code (CLI commands, the TUI, error
#    paths) nearly all 4.8 MB became resident; packed, RSS follows the code
#    actually run. Regenerate the list with scripts/hot-text-order.sh; a
#    stale list costs memory, never correctness.
# 2. Its C++ runtime inside it. libstdc++, libgcc and protobuf-lite are
#    linked from their static archives (Debian builds them with one section
#    per function, so they are laid out by use too), and yaml-cpp, snappy,
#    toml++, fmt and spdlog are compiled in for every target (see
#    CMakeLists.txt). Shared, each library cost its relocations and the
#    64 KiB windows around what the agent called: libstdc++ alone was
#    1.76 MiB of RSS. --as-needed drops a shared library nothing refers to.
#
# Without lld the binary links as before: ordinary layout, shared runtime.
include(CheckLinkerFlag)
option(AINODE_LEAN_BINARY "Link ainode for a small resident set (needs lld)" ON)
check_linker_flag(CXX "-fuse-ld=lld" AINODE_HAVE_LLD)
find_library(AINODE_PROTOBUF_LITE_ARCHIVE NAMES libprotobuf-lite.a)
if(AINODE_LEAN_BINARY AND NOT AINODE_HAVE_LLD)
  message(WARNING "lld not found: ainode links with the ordinary layout and shared C++ libraries "
    "(more resident memory; apt install lld)")
endif()

function(ainode_lean_binary target)
  if(NOT (AINODE_LEAN_BINARY AND AINODE_HAVE_LLD))
    return()
  endif()
  set(order ${CMAKE_SOURCE_DIR}/cmake/hot-text.order)
  target_link_options(${target} PRIVATE -fuse-ld=lld "LINKER:--symbol-ordering-file=${order}"
    "LINKER:--no-warn-symbol-ordering" -static-libstdc++ -static-libgcc "LINKER:--as-needed")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order})
  if(AINODE_PROTOBUF_LITE_ARCHIVE)
    # Among the link options, so before any object and library: lld then
    # takes every protobuf symbol from the archive before it reads
    # libprotobuf-lite.so, which --as-needed drops.
    target_link_options(${target} PRIVATE ${AINODE_PROTOBUF_LITE_ARCHIVE})
  endif()
endfunction()
