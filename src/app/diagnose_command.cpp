#include "app/diagnose_command.hpp"

#include <curl/curl.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/diagnose_checks.hpp"
#include "control/token_file.hpp"

namespace ainode {

namespace {
std::size_t on_body_bytes(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}
}  // namespace

int run_diagnose_command(const DiagnoseCommandOptions& options) {
  std::string token;
  if (!options.token_file.empty()) {
    try {
      token = read_token_file(options.token_file);
    } catch (const std::exception& error) {
      std::cerr << "ainode diagnose: " << error.what() << "\n";
      return 2;
    }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::string url = options.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/v1/control/diagnose";
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "{}");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body_bytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  if (options.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode result = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  // No agent: nothing here can vouch for the node, so it is a failure. The
  // command does not load NVML itself: the agent is what watches this node,
  // and an agent that is down is the first thing to fix.
  if (result != CURLE_OK) {
    std::cerr << "ainode diagnose: no agent answered at " << url << ": " << curl_easy_strerror(result)
              << "\n  start it (systemctl start ainode, or the DaemonSet's pod) or pass --url\n";
    return 2;
  }
  auto report = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || !report.is_object() || !report.contains("checks")) {
    std::string reason = report.is_object() ? report.value("error", body) : body;
    std::cerr << "ainode diagnose: " << url << ": HTTP " << status << ": " << reason << "\n";
    return 2;
  }
  for (const char* key : {"result", "request_id"}) report.erase(key);
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << diagnose_report_text(report);
  }
  std::string overall = report.value("status", "fail");
  return overall == "pass" ? 0 : overall == "warn" ? 1 : 2;
}

}  // namespace ainode
