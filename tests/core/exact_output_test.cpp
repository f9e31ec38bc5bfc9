#include "core/exact_output.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <string>

#include "exposition/gzip.hpp"
#include "remote_write/snappy_block.hpp"

namespace ainode {
namespace {

TEST(ExactOutput, ReturnsExactlyWhatWasWritten) {
  auto out = exact_output(1 << 20, [](char* buffer, std::size_t capacity) -> std::optional<std::size_t> {
    EXPECT_EQ(capacity, std::size_t{1} << 20);
    std::memcpy(buffer, "cycle", 5);
    return 5;
  });
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "cycle");
}

TEST(ExactOutput, AFailedOrOverlongWriteIsNoOutput) {
  EXPECT_FALSE(exact_output(64, [](char*, std::size_t) -> std::optional<std::size_t> { return std::nullopt; }));
  EXPECT_FALSE(exact_output(64, [](char*, std::size_t) -> std::optional<std::size_t> { return 65; }));
  auto empty = exact_output(64, [](char*, std::size_t) -> std::optional<std::size_t> { return 0; });
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

// What the snapshot keeps: the compressed body at its size, not with the
// worst case's capacity (a 300 KB exposition kept ~300 KB for a ~30 KB body).
TEST(ExactOutput, CompressedBodiesKeepNoWorstCaseCapacity) {
  std::string exposition;
  for (int i = 0; i < 6000; ++i) {
    exposition += "ainode_gpu_temperature_celsius{gpu=\"" + std::to_string(i % 8) + "\"} " + std::to_string(i % 90) + "\n";
  }
  std::string gzipped = gzip_compress(exposition);
  EXPECT_LT(gzipped.size() * 5, exposition.size());
  EXPECT_LT(gzipped.capacity(), gzipped.size() + 64);

  std::string inflated(exposition.size(), '\0');
  z_stream stream{};
  ASSERT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(gzipped.data());
  stream.avail_in = static_cast<uInt>(gzipped.size());
  stream.next_out = reinterpret_cast<Bytef*>(inflated.data());
  stream.avail_out = static_cast<uInt>(inflated.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  inflateEnd(&stream);
  EXPECT_EQ(inflated, exposition);

  std::string block = snappy_block_compress(exposition);
  EXPECT_LT(block.capacity(), block.size() + 64);
  EXPECT_EQ(snappy_block_uncompress(block), exposition);
}

}  // namespace
}  // namespace ainode
