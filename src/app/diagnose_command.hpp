#pragma once
// `ainode diagnose`: asks a running agent for its one-shot health check
// (POST /v1/control/diagnose) and prints it readably, or as JSON.
#include <string>

namespace ainode {

struct DiagnoseCommandOptions {
  std::string url = "http://127.0.0.1:9100";
  bool json = false;
  std::string token_file;  // bearer token, for a remote agent
  std::string ca_file;     // for https:// agents with a private CA
  bool insecure = false;
};

// 0 every check passed, 1 a warning and no failure, 2 a failure, or no
// agent answered (said plainly), or bad options.
int run_diagnose_command(const DiagnoseCommandOptions& options);

}  // namespace ainode
