#pragma once
// The label values of one sample, packed into one allocation.
//
// A snapshot of the 8-GPU twin holds ~2,000 samples with ~10,000 label
// values; as a std::vector<std::string> each sample cost a vector buffer plus
// one more block per value longer than 15 characters (GPU UUIDs, model names,
// PCI addresses): ~250 bytes in 2-4 heap blocks, rebuilt every cycle while the
// previous snapshot is still alive. Packed, a sample's values are one block of
// about a third of that, which is both less memory and fewer small holes left
// between long-lived blocks when the old snapshot is freed.
//
// Layout of the block: count (uint32), then the end offset of each value
// (uint32 each, relative to the first character), then the characters.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

class LabelValues {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    Iterator() = default;
    Iterator(const LabelValues* values, std::size_t index) : values_(values), index_(index) {}
    std::string_view operator*() const { return (*values_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    const LabelValues* values_ = nullptr;
    std::size_t index_ = 0;
  };

  LabelValues() = default;
  LabelValues(std::initializer_list<std::string_view> values);
  explicit LabelValues(std::span<const std::string_view> values);
  explicit LabelValues(std::span<const std::string> values);

  LabelValues(const LabelValues& other);
  LabelValues& operator=(const LabelValues& other);
  LabelValues(LabelValues&&) noexcept = default;
  LabelValues& operator=(LabelValues&&) noexcept = default;

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  // Unchecked, like std::vector::operator[].
  std::string_view operator[](std::size_t index) const;
  // Throws std::out_of_range past the end.
  std::string_view at(std::size_t index) const;
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

  std::vector<std::string> to_strings() const;
  bool operator==(const LabelValues& other) const;

 private:
  template <typename Strings>
  void pack(const Strings& values);
  std::size_t block_bytes() const;
  std::uint32_t read_u32(std::size_t word) const;

  std::unique_ptr<char[]> block_;  // null when there are no values
};

}  // namespace ainode
