// GET /v1/events over a real HttpServer on loopback: what a curl or an
// EventSource client sees.
#include "events/event_stream.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http/query_string_parser.hpp"
#include "socket_client.hpp"

using namespace ainode;
using namespace ainode::test;

namespace {

struct StreamServer {
  EventBus bus;
  EventStreamStats stats;
  EventStreamOptions options;
  HttpServer server;

  explicit StreamServer(std::size_t ring = 4096, EventStreamOptions stream_options = {})
      : bus(ring), options(stream_options), server(server_options(), [this](const HttpRequest& request) {
          if (target_path(request.target) == "/v1/events") return event_stream_response(bus, request, stats, options);
          if (target_path(request.target) == "/v1/events/recent") return recent_events_response(bus, request);
          HttpResponse ok;
          ok.body = std::make_shared<const std::string>("ok\n");
          return ok;
        }) {
    server.start();
  }
  static HttpServerOptions server_options() {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    return o;
  }
  std::uint16_t port() const { return server.port(); }
  void publish(std::string type, Severity severity = Severity::info, std::string message = "") {
    EventDraft d;
    d.type = std::move(type);
    d.severity = severity;
    d.message = std::move(message);
    bus.publish(std::move(d));
  }
};

Client open_stream(std::uint16_t port, const std::string& target, const std::string& extra_headers = "") {
  Client client = connect_to(port);
  send_all(client, "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + extra_headers + "\r\n");
  return client;
}

// Reads until `text` has arrived (or the timeout passes).
std::string read_until(const Client& client, std::string_view text, std::chrono::milliseconds timeout = 3000ms) {
  std::string data;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[8192];
  while (data.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (!readable(client, 10)) continue;
    ssize_t n = recv(client.fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

std::vector<std::uint64_t> ids_in(const std::string& stream) {
  std::vector<std::uint64_t> ids;
  for (std::size_t at = 0; (at = stream.find("\nid: ", at)) != std::string::npos; at += 5) {
    ids.push_back(std::stoull(stream.substr(at + 5)));
  }
  if (stream.starts_with("id: ")) ids.insert(ids.begin(), std::stoull(stream.substr(4)));
  return ids;
}

}  // namespace

TEST(EventStream, HeadAndLiveEvents) {
  StreamServer s;
  Client client = open_stream(s.port(), "/v1/events");
  std::string head = read_until(client, "retry: 2000\n\n");
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  s.publish("gpu_xid", Severity::critical, "XID 79");
  std::string got = read_until(client, "XID 79");
  EXPECT_NE(got.find("id: 1\nevent: gpu_xid\ndata: {"), std::string::npos) << got;
  EXPECT_EQ(s.stats.clients.load(), 1u);
}

TEST(EventStream, ResumeWithLastEventIdGetsExactlyTheMissedEvents) {
  StreamServer s;
  for (int i = 0; i < 5; ++i) s.publish("gpu_xid");
  Client client = open_stream(s.port(), "/v1/events", "Last-Event-ID: 2\r\n");
  std::string got = read_until(client, "id: 5\n");
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  s.publish("gpu_lost");
  got += read_until(client, "id: 6\n");
  EXPECT_EQ(ids_in(got), (std::vector<std::uint64_t>{3, 4, 5, 6})) << got;
  EXPECT_EQ(got.find("events_lost"), std::string::npos);
}

TEST(EventStream, QueryParameterResumeAndServerSideFilters) {
  StreamServer s;
  s.publish("gpu_xid", Severity::critical);
  s.publish("gpu_throttle_start", Severity::info);
  s.publish("gpu_throttle_start", Severity::warning);
  s.publish("collector_failed", Severity::warning);
  Client client = open_stream(s.port(), "/v1/events?last_event_id=0&types=gpu_throttle_start,gpu_xid&severity=warning");
  std::string got = read_until(client, "id: 3\n");
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  s.publish("collector_failed", Severity::critical);
  s.publish("gpu_xid", Severity::info);
  s.publish("gpu_xid", Severity::critical);
  got += read_until(client, "id: 7\n");
  EXPECT_EQ(ids_in(got), (std::vector<std::uint64_t>{1, 3, 7})) << got;
}

TEST(EventStream, WhatTheRingNoLongerHoldsIsAnnounced) {
  StreamServer s(4);
  for (int i = 0; i < 10; ++i) s.publish("gpu_xid");
  Client client = open_stream(s.port(), "/v1/events", "Last-Event-ID: 1\r\n");
  std::string got = read_until(client, "id: 10\n");
  auto lost = got.find("event: events_lost\ndata: ");
  ASSERT_NE(lost, std::string::npos) << got;
  auto line = got.substr(lost + 25, got.find('\n', lost + 25) - lost - 25);
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["lost"], 5);  // 2..6
  EXPECT_EQ(json["oldest_available"], 7);
  EXPECT_LT(lost, got.find("id: 7\n"));
  EXPECT_EQ(ids_in(got), (std::vector<std::uint64_t>{7, 8, 9, 10}));
}

// A reconnect with an old id replays the whole ring, which can be far larger
// than the live queue bound; the client must get all of it, at once, rather
// than be dropped as a slow reader and retry forever.
TEST(EventStream, AFullRingReplayLargerThanTheQueueBoundIsDelivered) {
  EventStreamOptions options;
  options.max_queued_bytes = 16 * 1024;
  StreamServer s(4096, options);
  const std::string padding(300, 'x');
  for (int i = 0; i < 4096; ++i) s.publish("gpu_xid", Severity::info, padding);  // ~1.5 MiB of frames
  Client client = open_stream(s.port(), "/v1/events", "Last-Event-ID: 0\r\n");
  std::string got = read_until(client, "id: 4096\n", 5000ms);
  auto ids = ids_in(got);
  ASSERT_EQ(ids.size(), 4096u) << got.size() << " bytes";
  EXPECT_EQ(ids.front(), 1u);
  EXPECT_EQ(ids.back(), 4096u);
  EXPECT_EQ(s.stats.clients_dropped.load(), 0u);
  // Live events still flow, and still count against the bound.
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  s.publish("gpu_lost");
  EXPECT_NE(read_until(client, "id: 4097\n").find("id: 4097\n"), std::string::npos);
}

TEST(EventStream, BadQueryIs400) {
  StreamServer s;
  auto answer = exchange(s.port(), "GET /v1/events?severity=loud HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(answer.data), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(answer.data.find("severity"), std::string::npos);
  EXPECT_EQ(s.bus.subscribers(), 0u);
}

TEST(EventStream, HeartbeatsKeepAnIdleStreamAlive) {
  EventStreamOptions options;
  options.heartbeat_interval = 50ms;
  StreamServer s(16, options);
  Client client = open_stream(s.port(), "/v1/events");
  std::string got = read_until(client, ": heartbeat\n\n: heartbeat\n\n", 2000ms);
  EXPECT_NE(got.find(": heartbeat\n\n: heartbeat\n\n"), std::string::npos) << got;
}

TEST(EventStream, RecentReturnsTheRingAsJson) {
  StreamServer s;
  s.publish("gpu_xid", Severity::critical);
  s.publish("gpu_lost", Severity::critical);
  s.publish("collector_failed", Severity::warning);
  auto answer = exchange(s.port(), "GET /v1/events/recent?limit=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto json = nlohmann::json::parse(body_of(answer.data));
  ASSERT_EQ(json["events"].size(), 2u);
  EXPECT_EQ(json["events"][0]["id"], 2);
  EXPECT_EQ(json["events"][1]["type"], "collector_failed");
  EXPECT_EQ(json["last_id"], 3);
  answer = exchange(s.port(), "GET /v1/events/recent?types=gpu_xid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  json = nlohmann::json::parse(body_of(answer.data));
  ASSERT_EQ(json["events"].size(), 1u);
  EXPECT_EQ(json["events"][0]["type"], "gpu_xid");
}

TEST(EventStream, AClientThatLeavesIsCleanedUp) {
  StreamServer s;
  {
    Client client = open_stream(s.port(), "/v1/events");
    read_until(client, "retry: 2000\n\n");
    ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  }
  EXPECT_TRUE(wait_for([&] { return s.bus.subscribers() == 0 && s.stats.clients.load() == 0; }));
  EXPECT_TRUE(wait_for([&] { return s.server.stats().connections_open == 0; }));
}

TEST(EventStream, AClientResetMidWriteIsCleanedUp) {
  EventStreamOptions options;
  options.max_queued_bytes = 1 << 20;
  StreamServer s(16, options);
  Client client = connect_to(s.port());
  int small = 4096;
  setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  send_all(client, "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 1; }));
  std::string big(4000, 'x');
  for (int i = 0; i < 200; ++i) s.publish("gpu_xid", Severity::info, big);  // fills the socket, writes pend
  linger reset{1, 0};  // close with RST, as a client killed mid-transfer
  setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  client = Client{};
  EXPECT_TRUE(wait_for([&] { return s.bus.subscribers() == 0 && s.stats.clients.load() == 0; }));
  EXPECT_TRUE(wait_for([&] { return s.server.stats().connections_open == 0; }));
}

// 200 clients that never read and 200 that read slowly: the stalled ones
// are dropped (counted), and meanwhile a fresh request is answered at once
// and a live client gets every event, in order, in time.
TEST(EventStream, StalledAndSlowClientsDelayNeitherAScrapeNorALiveClient) {
  raise_open_file_limit();
  EventStreamOptions options;  // the default 256 KiB queue: absorbs a 100-event burst, not a stalled reader
  options.write_timeout = 2000ms;
  StreamServer s(8192, options);
  std::vector<Client> stalled, slow;
  for (int i = 0; i < 200; ++i) {
    Client c = connect_to(s.port());
    ASSERT_GE(c.fd, 0);
    int small = 4096;
    setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    send_all(c, "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    stalled.push_back(std::move(c));
  }
  for (int i = 0; i < 200; ++i) slow.push_back(open_stream(s.port(), "/v1/events"));
  Client live = open_stream(s.port(), "/v1/events");
  ASSERT_TRUE(wait_for([&] { return s.bus.subscribers() == 401; }, 10s)) << s.bus.subscribers();

  std::atomic<bool> stop{false};
  std::thread slow_readers([&] {
    char buffer[512];
    while (!stop) {
      for (const auto& c : slow) {
        if (readable(c, 0)) recv(c.fd, buffer, sizeof buffer, MSG_DONTWAIT);
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  std::string live_data;
  constexpr int kEvents = 400;
  std::thread live_reader([&] { live_data = read_until(live, "id: " + std::to_string(kEvents) + "\n", 20s); });

  // 200 events a second of 2 KB each: far above a real node's event rate,
  // and enough to overflow every stalled client's socket and queue.
  const std::string payload(2000, 'p');
  std::thread publisher([&] {
    for (int i = 0; i < kEvents; ++i) {
      s.publish("gpu_xid", Severity::info, payload);
      if (i % 5 == 4) std::this_thread::sleep_for(25ms);
    }
  });
  std::this_thread::sleep_for(100ms);
  auto started = std::chrono::steady_clock::now();
  auto fresh = exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status_line(fresh.data), "HTTP/1.1 200 OK");
  EXPECT_LT(elapsed, 100ms) << std::chrono::duration<double, std::milli>(elapsed).count() << " ms";

  publisher.join();
  auto published = std::chrono::steady_clock::now();
  live_reader.join();
  auto delivered = std::chrono::steady_clock::now();
  stop = true;
  slow_readers.join();
  EXPECT_LT(delivered - published, 2s) << "the live client got the last event late";
  auto ids = ids_in(live_data);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kEvents));
  for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], i + 1) << "gap or reorder at " << i;
  EXPECT_TRUE(wait_for([&] { return s.stats.clients_dropped.load() >= 200; }, 5s)) << s.stats.clients_dropped.load();
  EXPECT_LE(s.stats.clients.load(), 201u);
}
