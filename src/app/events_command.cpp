#include "app/events_command.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/event_printer.hpp"
#include "control/token_file.hpp"
#include "dynlib/curl_api.hpp"
#include "events/sse_parser.hpp"

namespace ainode {

namespace {

std::string escape(const CurlApi& api, CURL* curl, const std::string& text) {
  char* escaped = api.easy_escape(curl, text.c_str(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  api.free_memory(escaped);
  return out;
}

struct StreamState {
  SseParser parser;
  bool json = false;
  bool connected = false;
};

void print(const StreamState& state, const SseMessage& message) {
  if (state.json) {
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

std::size_t on_stream_bytes(char* data, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  state->connected = true;
  for (const auto& message : state->parser.feed(std::string_view(data, size * count))) print(*state, message);
  return state->parser.error().empty() ? size * count : 0;
}

std::size_t on_body_bytes(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

int run_events_command(const EventsCommandOptions& options) {
  std::string token;
  if (!options.token_file.empty()) {
    try {
      token = read_token_file(options.token_file);
    } catch (const std::exception& error) {
      std::cerr << "ainode events: " << error.what() << "\n";
      return 2;
    }
  }
  std::string load_error;
  const CurlApi* api = curl_api(load_error);
  if (api == nullptr) {
    std::cerr << "ainode events: " << load_error << "\n";
    return 2;
  }
  std::string base = options.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string last_event_id;
  auto backoff = std::chrono::milliseconds(500);
  bool said_unreachable = false;
  int status = 0;
  while (true) {
    CURL* curl = api->easy_init();
    std::string query;
    if (!options.types.empty()) query += "&types=" + escape(*api, curl, options.types);
    if (!options.severity.empty()) query += "&severity=" + escape(*api, curl, options.severity);
    std::string url = base + (options.follow ? "/v1/events" : "/v1/events/recent");
    if (!query.empty()) url += "?" + query.substr(1);
    curl_slist* headers = nullptr;
    if (options.follow) headers = api->slist_append(headers, "Accept: text/event-stream");
    if (!last_event_id.empty()) headers = api->slist_append(headers, ("Last-Event-ID: " + last_event_id).c_str());
    if (!token.empty()) headers = api->slist_append(headers, ("Authorization: Bearer " + token).c_str());
    api->easy_setopt(curl, CURLOPT_URL, url.c_str());
    api->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    if (!options.ca_file.empty()) api->easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
    if (options.insecure) {
      api->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      api->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    // A stream that stays silent past two heartbeats is dead.
    api->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 40L);
    StreamState state;
    state.json = options.json;
    std::string body;
    if (options.follow) {
      api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_stream_bytes);
      api->easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    } else {
      api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body_bytes);
      api->easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    }
    CURLcode result = api->easy_perform(curl);
    long http_status = 0;
    api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    api->slist_free_all(headers);
    api->easy_cleanup(curl);
    if (!options.follow) {
      if (result != CURLE_OK) {
        std::cerr << "ainode events: " << url << ": " << api->easy_strerror(result)
                  << (http_status ? " (HTTP " + std::to_string(http_status) + ")" : "")
                  << "; is an agent running there? (start one with `ainode`)\n";
        status = 1;
        break;
      }
      auto json = nlohmann::json::parse(body, nullptr, false);
      for (const auto& event : json.is_object() ? json.value("events", nlohmann::json::array()) : nlohmann::json::array()) {
        std::cout << (options.json ? event.dump() : format_event_line(event)) << "\n";
      }
      break;
    }
    if (!state.parser.last_event_id().empty()) last_event_id = state.parser.last_event_id();
    if (http_status >= 400 && http_status < 500) {
      std::cerr << "ainode events: " << url << ": HTTP " << http_status << "\n";
      status = 2;
      break;
    }
    if (state.connected) {
      backoff = std::chrono::milliseconds(500);
      said_unreachable = false;
    } else if (!said_unreachable) {
      std::cerr << "ainode events: cannot reach " << url << ": " << api->easy_strerror(result)
                << "; retrying (is an agent running? start one with `ainode`)\n";
      said_unreachable = true;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  }
  return status;
}

}  // namespace ainode
