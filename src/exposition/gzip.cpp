#include "exposition/gzip.hpp"

#include <zlib.h>

#include <stdexcept>

#include "core/exact_output.hpp"

namespace ainode {

std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  // windowBits 15 + 16 selects the gzip wrapper; level 6 is zlib's default
  // trade-off, and we compress once per snapshot, not per scrape.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  auto out = exact_output(deflateBound(&stream, static_cast<uLong>(data.size())),
                          [&](char* buffer, std::size_t capacity) -> std::optional<std::size_t> {
                            stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
                            stream.avail_in = static_cast<uInt>(data.size());
                            stream.next_out = reinterpret_cast<Bytef*>(buffer);
                            stream.avail_out = static_cast<uInt>(capacity);
                            int status = deflate(&stream, Z_FINISH);
                            deflateEnd(&stream);
                            if (status != Z_STREAM_END) return std::nullopt;
                            return stream.total_out;
                          });
  if (!out) throw std::runtime_error("gzip: deflate did not finish");
  return std::move(*out);
}

}  // namespace ainode
