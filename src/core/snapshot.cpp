#include "core/snapshot.hpp"

#include "exposition/gzip.hpp"

namespace ainode {

const std::shared_ptr<const std::string>& RenderedBody::plain() const {
  std::call_once(render_once_, [this] {
    plain_ = std::make_shared<const std::string>(render_());
    plain_rendered_ = true;
  });
  return plain_;
}

const std::shared_ptr<const std::string>& RenderedBody::gzipped() const {
  std::call_once(compress_once_, [this] {
    // Text already kept for a plain client is compressed as it is; else it
    // is rendered for the compressor only.
    std::string compressed = plain_rendered_ ? gzip_compress(*plain()) : gzip_compress(render_());
    gzipped_ = std::make_shared<const std::string>(std::move(compressed));
  });
  return gzipped_;
}

const Family* Snapshot::find(std::string_view name) const {
  for (const auto& family : families) {
    if (family.desc->name == name) return &family;
  }
  return nullptr;
}

}  // namespace ainode
