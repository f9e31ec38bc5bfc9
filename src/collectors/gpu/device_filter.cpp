#include "collectors/gpu/device_filter.hpp"

#include "core/text.hpp"

namespace ainode {

DeviceFilter DeviceFilter::parse(std::string_view spec) {
  DeviceFilter filter;
  spec = text::trim(spec);
  if (spec.empty() || spec == "all") return filter;
  filter.all_ = false;
  if (spec == "none" || spec == "void") return filter;
  for (auto token : text::split(spec, ',')) {
    token = text::trim(token);
    if (!token.empty()) filter.tokens_.insert(std::string(token));
  }
  return filter;
}

bool DeviceFilter::matches(unsigned index, const std::string& uuid) const {
  return all_ || tokens_.contains(std::to_string(index)) || (!uuid.empty() && tokens_.contains(uuid));
}

}  // namespace ainode
