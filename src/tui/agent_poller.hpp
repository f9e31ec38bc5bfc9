#pragma once
// The TUI's two connections to the agent, each on its own thread with its
// own AgentClient (kept-alive connection):
//  - the poller asks the JSON endpoints the current screen needs once per
//    agent cycle, at once after an event, and runs the control requests
//    (diagnostics, policy mode) the person asked for;
//  - the event thread follows GET /v1/events (SSE), resuming with
//    Last-Event-ID after a dropped connection, and wakes the poller.
// When the agent is away both retry every second and the state says why.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "client/agent_client.hpp"
#include "tui/agent_state.hpp"

namespace ainode::tui {

struct Needs {
  bool pods = false, rca = false, policies = false, metrics = false;
};

class AgentPoller {
 public:
  // on_change runs on the poller's threads after each change of the state.
  AgentPoller(AgentClientOptions options, std::function<void()> on_change);
  ~AgentPoller();
  AgentPoller(const AgentPoller&) = delete;
  AgentPoller& operator=(const AgentPoller&) = delete;

  void start();
  void stop();  // joins both threads (within about a second)

  std::shared_ptr<const AgentState> state() const;
  void set_needs(Needs needs);  // what the screen on show reads; asks at once
  void refresh();               // ask everything again now
  void run_diagnose();          // POST /v1/control/diagnose
  void set_policy_mode(const std::string& profile, const std::string& mode);

 private:
  void poll_loop();
  void event_loop();
  void poll_once(AgentClient& client, Needs needs);
  void run_command(AgentClient& client);
  template <typename Change>
  void update(Change change);

  AgentClientOptions options_;
  std::function<void()> on_change_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wake_requested_ = true;
  Needs needs_{};
  std::optional<std::function<void(AgentClient&)>> command_;
  std::shared_ptr<const AgentState> state_;
  std::thread poll_thread_, event_thread_;
};

}  // namespace ainode::tui
