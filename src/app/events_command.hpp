#pragma once
// `ainode events`: a running agent's events, live, one line each (like
// `kubectl get events -w`), or as JSON lines. Reconnects with Last-Event-ID
// after a dropped connection, so nothing is missed while the agent runs.
#include <string>

namespace ainode {

struct EventsCommandOptions {
  std::string url = "http://127.0.0.1:9100";
  std::string types;     // comma-separated; "" = all
  std::string severity;  // minimum; "" = all
  bool json = false;
  bool follow = true;    // false: print the recent events and exit
  std::string token_file;  // bearer token (when the agent sits behind an authenticating proxy)
  std::string ca_file;     // for https:// agents with a private CA
  bool insecure = false;
};

// Returns the process exit status: 0, or 1 when the agent cannot be reached
// (and --no-follow), 2 for bad options.
int run_events_command(const EventsCommandOptions& options);

}  // namespace ainode
