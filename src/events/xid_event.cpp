#include "events/xid_event.hpp"

#include <fmt/format.h>

#include "gpu/xid_catalogue.hpp"

namespace ainode {

EventDraft xid_event(const EventSubject& subject, std::uint64_t code, double count, std::string_view source) {
  XidInfo info = xid_info(code);
  EventDraft event;
  event.subject = subject;
  event.type = "gpu_xid";
  event.severity = info.action == XidAction::none ? Severity::warning : Severity::critical;
  std::string gpu = subject.gpu ? fmt::format("GPU {}", *subject.gpu) : std::string("GPU ") + subject.uuid;
  event.message = fmt::format("{}: XID {} ({}); {}", gpu, code, info.meaning, describe(info.action));
  event.payload = {{"xid", code},
                   {"count", count},
                   {"meaning", info.meaning},
                   {"origin", to_string(info.origin)},
                   {"action", to_string(info.action)},
                   {"recommended_action", describe(info.action)},
                   {"source", source}};
  return event;
}

}  // namespace ainode
