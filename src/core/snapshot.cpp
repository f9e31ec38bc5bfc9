#include "core/snapshot.hpp"

#include "exposition/gzip.hpp"

namespace ainode {

const std::shared_ptr<const std::string>& RenderedBody::plain() const {
  std::call_once(render_once_, [this] { plain_ = std::make_shared<const std::string>(render_()); });
  return plain_;
}

const std::shared_ptr<const std::string>& RenderedBody::gzipped() const {
  std::call_once(compress_once_, [this] { gzipped_ = std::make_shared<const std::string>(gzip_compress(*plain())); });
  return gzipped_;
}

const Family* Snapshot::find(std::string_view name) const {
  for (const auto& family : families) {
    if (family.desc->name == name) return &family;
  }
  return nullptr;
}

}  // namespace ainode
