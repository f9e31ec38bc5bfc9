#pragma once
// Output of an encoder whose size is known only after it ran (gzip, snappy,
// zlib): written into a worst-case scratch buffer, returned at its exact size.
//
// Why not std::string(bound, '\0') and resize(length): the zero fill touches
// every page of the worst case (deflateBound of the 8-GPU twin's ~300 KB
// exposition is ~300 KB, the compressed body ~30 KB), and the string then
// keeps that capacity for as long as it lives; the snapshot's gzipped body
// held ~300 KB of anonymous memory that way. The scratch buffer here is never
// filled: above glibc's mmap threshold it is a fresh mapping of which only
// the written pages become resident, and it is unmapped before returning.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace ainode {

// `write(char* buffer, std::size_t capacity)` returns the number of bytes it
// wrote, or nullopt when encoding failed.
template <typename Write>
std::optional<std::string> exact_output(std::size_t bound, Write&& write) {
  auto scratch = std::make_unique_for_overwrite<char[]>(bound);
  std::optional<std::size_t> length = write(scratch.get(), bound);
  if (!length || *length > bound) return std::nullopt;
  return std::string(scratch.get(), *length);
}

}  // namespace ainode
