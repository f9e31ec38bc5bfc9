#pragma once
// `ainode tui`: a terminal UI on a running agent's API and event stream.
#include <string>

#include "client/agent_client.hpp"

namespace ainode::tui {

struct TuiOptions {
  AgentClientOptions connection;
  std::string color = "auto";  // auto | 256 | 16 | none
  bool ascii = false;          // no UTF-8 block characters even in a UTF-8 locale
  int screen = 1;              // the screen to open on
};

// Returns the exit status: 0 after q, 2 for bad options or no terminal.
int run_tui(const TuiOptions& options);

}  // namespace ainode::tui
