#include "core/label_values.hpp"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace ainode {

namespace {
constexpr std::size_t word_bytes = sizeof(std::uint32_t);
}

template <typename Strings>
void LabelValues::pack(const Strings& values) {
  const std::size_t count = std::size(values);
  if (count == 0) return;
  std::size_t chars = 0;
  for (const auto& value : values) chars += std::string_view(value).size();
  if (count > std::numeric_limits<std::uint32_t>::max() || chars > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("label values too large");
  }
  const std::size_t header = word_bytes * (1 + count);
  block_ = std::make_unique_for_overwrite<char[]>(header + chars);
  char* block = block_.get();
  auto write_u32 = [block](std::size_t word, std::size_t value) {
    const auto v = static_cast<std::uint32_t>(value);
    std::memcpy(block + word * word_bytes, &v, word_bytes);
  };
  write_u32(0, count);
  std::size_t end = 0;
  std::size_t word = 1;
  for (const auto& value : values) {
    const std::string_view text(value);
    if (!text.empty()) std::memcpy(block + header + end, text.data(), text.size());
    end += text.size();
    write_u32(word++, end);
  }
}

LabelValues::LabelValues(std::initializer_list<std::string_view> values) { pack(values); }
LabelValues::LabelValues(std::span<const std::string_view> values) { pack(values); }
LabelValues::LabelValues(std::span<const std::string> values) { pack(values); }

LabelValues::LabelValues(const LabelValues& other) {
  if (!other.block_) return;
  const std::size_t bytes = other.block_bytes();
  block_ = std::make_unique_for_overwrite<char[]>(bytes);
  std::memcpy(block_.get(), other.block_.get(), bytes);
}

LabelValues& LabelValues::operator=(const LabelValues& other) {
  if (this != &other) *this = LabelValues(other);
  return *this;
}

std::uint32_t LabelValues::read_u32(std::size_t word) const {
  std::uint32_t v = 0;
  std::memcpy(&v, block_.get() + word * word_bytes, word_bytes);
  return v;
}

std::size_t LabelValues::size() const { return block_ ? read_u32(0) : 0; }

std::size_t LabelValues::block_bytes() const {
  const std::size_t count = size();
  return word_bytes * (1 + count) + read_u32(count);
}

std::string_view LabelValues::operator[](std::size_t index) const {
  const std::size_t count = read_u32(0);
  const std::size_t begin = index == 0 ? 0 : read_u32(index);
  const std::size_t end = read_u32(index + 1);
  return {block_.get() + word_bytes * (1 + count) + begin, end - begin};
}

std::string_view LabelValues::at(std::size_t index) const {
  if (index >= size()) {
    throw std::out_of_range("label value " + std::to_string(index) + " of " + std::to_string(size()));
  }
  return (*this)[index];
}

std::vector<std::string> LabelValues::to_strings() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (auto value : *this) out.emplace_back(value);
  return out;
}

bool LabelValues::operator==(const LabelValues& other) const {
  if (!block_ || !other.block_) return size() == other.size();
  const std::size_t bytes = block_bytes();
  return bytes == other.block_bytes() && std::memcmp(block_.get(), other.block_.get(), bytes) == 0;
}

}  // namespace ainode
