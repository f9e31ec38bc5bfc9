#include "app/events_command.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/event_printer.hpp"
#include "client/agent_client.hpp"
#include "events/sse_parser.hpp"

namespace ainode {

namespace {

void print(bool json, const SseMessage& message) {
  if (json) {
    std::cout << message.data << "\n" << std::flush;
    return;
  }
  auto event = nlohmann::json::parse(message.data, nullptr, false);
  if (event.is_discarded()) {
    std::cout << message.event << ": " << message.data << "\n" << std::flush;
  } else if (message.event == "events_lost") {
    std::cout << "-- " << event.value("message", "events were lost") << " --\n" << std::flush;
  } else {
    std::cout << format_event_line(event) << "\n" << std::flush;
  }
}

}  // namespace

int run_events_command(const EventsCommandOptions& options) {
  AgentClientOptions connection;
  connection.url = options.url;
  connection.token_file = options.token_file;
  connection.ca_file = options.ca_file;
  connection.insecure = options.insecure;
  std::optional<AgentClient> client;
  try {
    client.emplace(connection);
  } catch (const std::exception& error) {
    std::cerr << "ainode events: " << error.what() << "\n";
    return 2;
  }
  std::string query;
  if (!options.types.empty()) query += "&types=" + url_escape(options.types);
  if (!options.severity.empty()) query += "&severity=" + url_escape(options.severity);
  std::string path = options.follow ? "/v1/events" : "/v1/events/recent";
  if (!query.empty()) path += "?" + query.substr(1);
  std::string url = client->base_url() + path;

  if (!options.follow) {
    HttpResult result = client->get(path);
    if (!result.ok()) {
      std::cerr << "ainode events: " << url << ": " << result.describe()
                << "; is an agent running there? (start one with `ainode`)\n";
      return 1;
    }
    auto json = nlohmann::json::parse(result.body, nullptr, false);
    for (const auto& event : json.is_object() ? json.value("events", nlohmann::json::array()) : nlohmann::json::array()) {
      std::cout << (options.json ? event.dump() : format_event_line(event)) << "\n";
    }
    return 0;
  }

  std::string last_event_id;
  auto backoff = std::chrono::milliseconds(500);
  bool said_unreachable = false;
  while (true) {
    std::vector<std::string> headers = {"Accept: text/event-stream"};
    if (!last_event_id.empty()) headers.push_back("Last-Event-ID: " + last_event_id);
    SseParser parser;
    bool connected = false;
    // A stream that stays silent past two heartbeats is dead.
    HttpResult result = client->stream(path, headers, [&](std::string_view bytes) {
      connected = true;
      for (const auto& message : parser.feed(bytes)) print(options.json, message);
      return parser.error().empty();
    });
    if (!parser.last_event_id().empty()) last_event_id = parser.last_event_id();
    if (result.status >= 400 && result.status < 500) {
      std::cerr << "ainode events: " << url << ": HTTP " << result.status << "\n";
      return 2;
    }
    if (connected) {
      backoff = std::chrono::milliseconds(500);
      said_unreachable = false;
    } else if (!said_unreachable) {
      std::cerr << "ainode events: cannot reach " << url << ": " << result.describe()
                << "; retrying (is an agent running? start one with `ainode`)\n";
      said_unreachable = true;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  }
}

}  // namespace ainode
