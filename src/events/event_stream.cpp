#include "events/event_stream.hpp"

#include <fmt/format.h>

#include "events/event_query_parser.hpp"

namespace ainode {

namespace {

HttpResponse bad_request(const std::string& reason) {
  HttpResponse response;
  response.status = 400;
  response.content_type = "application/json";
  response.body = std::make_shared<const std::string>(nlohmann::json{{"error", reason}}.dump() + "\n");
  return response;
}

// Sent in place of what the ring no longer holds. No id line: the client's
// Last-Event-ID stays that of the last real event it got.
std::shared_ptr<const std::string> events_lost_frame(const EventBus::Replay& replay, std::uint64_t after_id) {
  nlohmann::json data{{"type", "events_lost"},
                      {"severity", "warning"},
                      {"after_id", after_id},
                      {"lost", replay.lost},
                      {"restarted", replay.restarted},
                      {"oldest_available", replay.events.empty() ? nlohmann::json() : nlohmann::json(replay.events.front()->id)},
                      {"message", replay.restarted ? "the agent restarted since that event id; events before its "
                                                     "restart are gone, replaying all it holds"
                                                   : fmt::format("{} events after id {} are no longer held", replay.lost,
                                                                 after_id)}};
  return std::make_shared<const std::string>("event: events_lost\ndata: " + data.dump() + "\n\n");
}

}  // namespace

HttpResponse event_stream_response(EventBus& bus, const HttpRequest& request, EventStreamStats& stats,
                                   const EventStreamOptions& options) {
  auto parsed = parse_event_query(request.target, request.last_event_id);
  if (!parsed.error.empty()) return bad_request(parsed.error);
  if (parsed.query.limit) return bad_request("limit: only for /v1/events/recent");
  HttpResponse response;
  response.content_type = "text/event-stream; charset=utf-8";
  response.headers.emplace_back("Cache-Control", "no-cache");
  // Tells nginx-style proxies not to buffer the stream.
  response.headers.emplace_back("X-Accel-Buffering", "no");
  auto stream = std::make_shared<ResponseStream>();
  stream->heartbeat_interval = options.heartbeat_interval;
  stream->heartbeat = std::make_shared<const std::string>(": heartbeat\n\n");
  stream->max_queued_bytes = options.max_queued_bytes;
  stream->write_timeout = options.write_timeout;
  EventQuery query = parsed.query;
  stream->start = [&bus, &stats, query](const std::shared_ptr<StreamSink>& sink) -> std::shared_ptr<void> {
    ++stats.clients;
    // The retry hint (ms) tells EventSource clients how soon to reconnect.
    sink->push(std::make_shared<const std::string>("retry: 2000\n\n"));
    auto listener = [sink, query](const EventPtr& event, const EventDraft&) {
      if (query.matches(event->type(), event->severity)) {
        sink->push(std::shared_ptr<const std::string>(event, &event->sse));
      }
    };
    auto replay = [sink, query](const EventBus::Replay& missed) {
      std::vector<std::shared_ptr<const std::string>> frames;
      if (missed.lost > 0 || missed.restarted) frames.push_back(events_lost_frame(missed, *query.last_event_id));
      for (const auto& event : missed.events) {
        if (query.matches(event->type(), event->severity)) {
          frames.push_back(std::shared_ptr<const std::string>(event, &event->sse));
        }
      }
      // The ring's own strings (aliased, not copied): a full replay may be
      // larger than the live queue bound without costing a client its stream.
      sink->push_backlog(std::move(frames));
    };
    auto subscription = std::make_shared<EventBus::Subscription>(bus.subscribe(listener, query.last_event_id, replay));
    return subscription;
  };
  stream->on_end = [&stats](StreamEnd end) {
    --stats.clients;
    if (end == StreamEnd::queue_full || end == StreamEnd::write_timeout) ++stats.clients_dropped;
  };
  response.stream = std::move(stream);
  return response;
}

HttpResponse recent_events_response(const EventBus& bus, const HttpRequest& request) {
  auto parsed = parse_event_query(request.target, "");
  if (!parsed.error.empty()) return bad_request(parsed.error);
  const auto& query = parsed.query;
  std::vector<EventPtr> events = bus.recent(EventBus::kDefaultCapacity * 4);
  std::vector<const Event*> kept;
  for (const auto& event : events) {
    if (query.last_event_id && event->id <= *query.last_event_id) continue;
    if (query.matches(event->type(), event->severity)) kept.push_back(event.get());
  }
  std::size_t limit = query.limit.value_or(kept.size());
  std::size_t first = kept.size() > limit ? kept.size() - limit : 0;
  // The events' own rendered JSON, joined: the same bytes nlohmann would
  // write for {"events": [...], "last_id": N} (keys in its sorted order).
  std::size_t size = 64;
  for (std::size_t i = first; i < kept.size(); ++i) size += kept[i]->json().size() + 1;
  std::string body;
  body.reserve(size);
  body.append("{\"events\":[");
  for (std::size_t i = first; i < kept.size(); ++i) {
    if (i != first) body.push_back(',');
    body.append(kept[i]->json());
  }
  body.append(fmt::format("],\"last_id\":{}}}\n", bus.last_id()));
  HttpResponse response;
  response.content_type = "application/json";
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

}  // namespace ainode
