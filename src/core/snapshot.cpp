#include "core/snapshot.hpp"

#include "exposition/gzip.hpp"

namespace ainode {

RenderedBody::RenderedBody(std::string plain) : plain_(std::make_shared<const std::string>(std::move(plain))) {}

const std::shared_ptr<const std::string>& RenderedBody::gzipped() const {
  std::call_once(compress_once_, [this] { gzipped_ = std::make_shared<const std::string>(gzip_compress(*plain_)); });
  return gzipped_;
}

const Family* Snapshot::find(std::string_view name) const {
  for (const auto& family : families) {
    if (family.desc->name == name) return &family;
  }
  return nullptr;
}

}  // namespace ainode
