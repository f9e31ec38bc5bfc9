#include "events/event.hpp"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace ainode {

std::string rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  auto since_epoch = time.time_since_epoch();
  auto secs = duration_cast<seconds>(since_epoch);
  auto millis = duration_cast<milliseconds>(since_epoch - secs).count();
  if (millis < 0) {
    millis += 1000;
    secs -= seconds(1);
  }
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  std::tm utc{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
  long millis = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    long scale = 100;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      millis += (rest.front() - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  if (rest != "Z") return std::nullopt;
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  std::time_t t = timegm(&utc);
  return std::chrono::system_clock::from_time_t(t) + std::chrono::milliseconds(millis);
}

namespace {

nlohmann::json event_to_json(std::uint64_t id, std::chrono::system_clock::time_point time, const EventDraft& d) {
  nlohmann::json subject = nlohmann::json::object();
  if (d.subject.gpu) subject["gpu"] = *d.subject.gpu;
  auto put = [&subject](const char* key, const std::string& value) {
    if (!value.empty()) subject[key] = value;
  };
  put("uuid", d.subject.uuid);
  put("collector", d.subject.collector);
  put("namespace", d.subject.namespace_name);
  put("pod", d.subject.pod);
  put("container", d.subject.container);
  put("profile", d.subject.profile);
  return nlohmann::json{{"id", id},           {"time", rfc3339(time)}, {"type", d.type},
                        {"severity", to_string(d.severity)}, {"subject", subject},  {"message", d.message},
                        {"payload", d.payload}};
}

}  // namespace

Event render_event(std::uint64_t id, std::chrono::system_clock::time_point time, const EventDraft& draft) {
  // dump() escapes newlines, so the JSON is one SSE data line whatever the
  // payload holds; invalid UTF-8 from a driver string is replaced, not thrown.
  const std::string json =
      event_to_json(id, time, draft).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Event event;
  event.id = id;
  event.time = time;
  event.severity = draft.severity;
  const std::string head = fmt::format("id: {}\nevent: ", id);
  event.type_begin = static_cast<std::uint32_t>(head.size());
  event.type_size = static_cast<std::uint32_t>(draft.type.size());
  event.sse.reserve(head.size() + draft.type.size() + json.size() + 10);
  event.sse.append(head).append(draft.type).append("\ndata: ");
  event.json_begin = static_cast<std::uint32_t>(event.sse.size());
  event.json_size = static_cast<std::uint32_t>(json.size());
  event.sse.append(json).append("\n\n");
  return event;
}

}  // namespace ainode
