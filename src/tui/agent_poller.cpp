#include "tui/agent_poller.hpp"

#include <algorithm>

#include "events/sse_parser.hpp"
#include "tui/control_outcome.hpp"
#include "tui/json_read.hpp"

namespace ainode::tui {

namespace {

using Clock = std::chrono::steady_clock;

// The /metrics families the screens read; the rest of the exposition is
// skipped unparsed.
const std::vector<std::string_view> kMetricPrefixes = {
    "ainode_network_",   "ainode_tcp_",        "ainode_disk_",       "ainode_filesystem_", "ainode_infiniband_",
    "ainode_node_power", "ainode_node_energy", "ainode_cpu_package_", "ainode_hwmon_power", "ainode_bmc_",
    "ainode_gpu_energy", "ainode_process_",    "ainode_model_",      "ainode_agent_",      "ainode_node_info"};

void store(Endpoint& endpoint, const HttpResult& result) {
  if (result.ok()) {
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    if (body.is_discarded()) {
      endpoint.status = EndpointStatus::failed;
      endpoint.error = "the answer is not JSON";
      return;
    }
    endpoint.status = EndpointStatus::ok;
    endpoint.body = std::move(body);
    endpoint.error.clear();
  } else if (result.status == 404) {
    endpoint.status = EndpointStatus::not_available;
    endpoint.error = "not available on this agent";
  } else {
    endpoint.status = EndpointStatus::failed;
    endpoint.error = result.describe();
  }
}

}  // namespace

AgentPoller::AgentPoller(AgentClientOptions options, std::function<void()> on_change)
    : options_(std::move(options)), on_change_(std::move(on_change)) {
  auto initial = std::make_shared<AgentState>();
  initial->url = options_.url;
  state_ = std::move(initial);
}

AgentPoller::~AgentPoller() { stop(); }

void AgentPoller::start() {
  poll_thread_ = std::thread([this] { poll_loop(); });
  event_thread_ = std::thread([this] { event_loop(); });
}

void AgentPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (poll_thread_.joinable()) poll_thread_.join();
  if (event_thread_.joinable()) event_thread_.join();
}

std::shared_ptr<const AgentState> AgentPoller::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

template <typename Change>
void AgentPoller::update(Change change) {
  {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<AgentState>(*state_);
    change(*next);
    ++next->generation;
    state_ = std::move(next);
  }
  if (on_change_) on_change_();
}

void AgentPoller::set_needs(Needs needs) {
  {
    std::lock_guard lock(mutex_);
    needs_ = needs;
    wake_requested_ = true;
  }
  wake_.notify_all();
}

void AgentPoller::refresh() {
  {
    std::lock_guard lock(mutex_);
    wake_requested_ = true;
  }
  wake_.notify_all();
}

void AgentPoller::run_diagnose() {
  update([](AgentState& s) {
    s.diagnose_running = true;
    s.action_message = "diagnostics: running";
  });
  std::lock_guard lock(mutex_);
  command_ = [this](AgentClient& client) {
    HttpResult result = client.post("/v1/control/diagnose", "{}", std::chrono::seconds(60));
    update([&](AgentState& s) {
      s.diagnose_running = false;
      // Diagnostics answer 200 with "status": "fail" for a failing node:
      // only a refusal or an unknown route is an error here.
      store(s.diagnose, result);
      s.action_message = describe_control_outcome("diagnostics", result);
    });
  };
  wake_requested_ = true;
  wake_.notify_all();
}

void AgentPoller::set_policy_mode(const std::string& profile, const std::string& mode) {
  std::lock_guard lock(mutex_);
  command_ = [this, profile, mode](AgentClient& client) {
    nlohmann::json body = {{"mode", mode}};
    HttpResult result = client.post("/v1/control/policies/" + url_escape(profile) + "/mode", body.dump());
    update([&](AgentState& s) { s.action_message = describe_control_outcome("policy " + profile + " -> " + mode, result); });
  };
  wake_requested_ = true;
  wake_.notify_all();
}

void AgentPoller::poll_once(AgentClient& client, Needs needs) {
  HttpResult status = client.get("/v1/status");
  if (!status.ok() && status.status == 0) {
    update([&](AgentState& s) {
      s.connected = false;
      s.connection_error = status.error;
    });
    return;
  }
  HttpResult gpus = client.get("/v1/gpus");
  HttpResult history = client.get("/v1/history");
  std::optional<HttpResult> pods, rca, policies, metrics;
  if (needs.pods) pods = client.get("/v1/pods");
  if (needs.rca) rca = client.get("/v1/rca");
  if (needs.policies) policies = client.get("/v1/policies");
  Clock::time_point metrics_at = Clock::now();
  if (needs.metrics) metrics = client.get("/metrics");
  // Parse outside the lock: it is the costliest step.
  std::optional<MetricFrame> frame;
  if (metrics && metrics->ok()) frame = parse_metric_frame(metrics->body, kMetricPrefixes, metrics_at);
  update([&](AgentState& s) {
    s.connected = true;
    s.ever_connected = true;
    s.connection_error.clear();
    store(s.status, status);
    store(s.gpus, gpus);
    store(s.history, history);
    if (s.history.status == EndpointStatus::ok) {
      auto interval = number_at(s.history.body, {"interval_seconds"});
      if (interval && *interval > 0) s.interval_seconds = *interval;
    }
    if (pods) store(s.pods, *pods);
    if (rca) store(s.rca, *rca);
    if (policies) store(s.policies, *policies);
    if (frame) {
      s.previous_metrics = std::move(s.metrics);
      s.metrics = std::move(*frame);
      s.metrics_ok = true;
    } else if (metrics) {
      s.metrics_ok = false;
    }
  });
}

void AgentPoller::poll_loop() {
  std::optional<AgentClient> client;
  try {
    client.emplace(options_);
  } catch (const std::exception& error) {
    update([&](AgentState& s) { s.connection_error = error.what(); });
    return;
  }
  while (true) {
    Needs needs;
    std::optional<std::function<void(AgentClient&)>> command;
    {
      std::unique_lock lock(mutex_);
      const AgentState& s = *state_;
      // At the agent's cycle while connected (a bounded 0.2..10 s); every
      // second while it is away, to notice its return quickly.
      double seconds = s.connected ? std::clamp(s.interval_seconds, 0.2, 10.0) : 1.0;
      wake_.wait_for(lock, std::chrono::duration<double>(seconds),
                     [this] { return stopping_.load() || wake_requested_ || command_.has_value(); });
      if (stopping_) return;
      wake_requested_ = false;
      needs = needs_;
      command.swap(command_);
    }
    if (command) (*command)(*client);
    poll_once(*client, needs);
  }
}

void AgentPoller::event_loop() {
  std::optional<AgentClient> client;
  try {
    client.emplace(options_);
  } catch (const std::exception&) {
    return;  // the poller reports the unreadable file
  }
  // The backlog comes from /v1/events/recent (bounded by limit), the stream
  // resumes after its newest event: asking the stream to replay a full ring
  // (Last-Event-ID: 0) can exceed the agent's per-client queue and stall.
  std::string last_event_id;
  bool have_backlog = false;
  while (!stopping_) {
    if (!have_backlog) {
      HttpResult recent = client->get("/v1/events/recent?limit=" + std::to_string(AgentState::kMaxEvents));
      auto body = recent.ok() ? nlohmann::json::parse(recent.body, nullptr, false) : nlohmann::json();
      if (recent.ok()) {
        have_backlog = true;
        update([&](AgentState& s) {
          for (const auto& event : array_at(body, {"events"})) {
            if (!event.is_object()) continue;
            if (auto id = number_at(event, {"id"})) last_event_id = std::to_string(static_cast<std::uint64_t>(*id));
            s.events.push_back(event);
            if (s.events.size() > AgentState::kMaxEvents) s.events.pop_front();
          }
        });
      }
    }
    SseParser parser;
    std::vector<std::string> headers = {"Accept: text/event-stream"};
    if (!last_event_id.empty()) headers.push_back("Last-Event-ID: " + last_event_id);
    bool connected = false;
    client->stream(
        "/v1/events", headers,
        [&](std::string_view bytes) {
          if (!connected) {
            connected = true;
            update([](AgentState& s) { s.events_live = true; });
          }
          auto messages = parser.feed(bytes);
          if (messages.empty()) return parser.error().empty() && !stopping_;
          update([&](AgentState& s) {
            for (const auto& message : messages) {
              auto event = nlohmann::json::parse(message.data, nullptr, false);
              if (!event.is_object() || message.event == "events_lost") continue;
              s.events.push_back(std::move(event));
              if (s.events.size() > AgentState::kMaxEvents) s.events.pop_front();
            }
          });
          refresh();  // an event: the screens show its effect at once
          return parser.error().empty() && !stopping_;
        },
        std::chrono::seconds(40), [this] { return !stopping_.load(); });
    if (!parser.last_event_id().empty()) last_event_id = parser.last_event_id();
    if (connected) update([](AgentState& s) { s.events_live = false; });
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

}  // namespace ainode::tui
