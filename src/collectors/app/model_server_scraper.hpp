#pragma once
// Scrapes one model server's /metrics on its own thread and interval and
// keeps the last answer, so a slow, hung or dead server stales only itself:
// the app collector reads the latest answer and never waits on the network.
// Each scrape has a deadline (app.timeout) and a size limit
// (app.max_body_bytes), enforced by the GET itself (http/http_get.hpp).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collectors/app/model_tokens_parser.hpp"
#include "config/config.hpp"
#include "core/periodic_worker.hpp"

namespace ainode {

struct ModelServerScrape {
  std::uint64_t attempts = 0;
  bool up = false;  // the last attempt answered 200 with an exposition page
  // Midpoint of the last good request: when its counters were read, for
  // lining them up with GPU energy (the join interpolates to this time).
  std::chrono::system_clock::time_point at{};
  double duration_seconds = 0;  // of the last attempt
  std::vector<ModelCounters> counters;  // of the last good answer
  std::size_t malformed_lines = 0;
  bool truncated = false;
  std::map<std::string, std::uint64_t> errors;  // "timeout", "connect", "http_503", "too_large", "parse", ...
  std::string last_error;
};

// What one answer body becomes: counters, or the error "parse" when the
// page holds no exposition sample at all (an HTML error page, garbage).
struct ScrapedPage {
  std::vector<ModelCounters> counters;
  std::size_t malformed_lines = 0;
  bool truncated = false;
  bool is_exposition = true;
};
ScrapedPage read_model_server_page(std::string_view body);

class ModelServerScraper {
 public:
  ModelServerScraper(std::string url, Duration timeout, std::size_t max_body_bytes, Duration interval);
  // Starts the worker on the first call; never waits for an answer.
  std::shared_ptr<const ModelServerScrape> latest();
  const std::string& url() const { return url_; }
  // A model server no longer wanted (its pod went away): stop() asks the
  // thread to end without waiting for a scrape in flight; once stopped(),
  // destroying the scraper does not block.
  void stop() { worker_.request_stop(); }
  bool stopped() { return worker_.finished(); }

 private:
  void round();

  std::string url_;
  Duration timeout_;
  std::size_t max_body_bytes_;
  std::mutex mutex_;
  std::shared_ptr<const ModelServerScrape> state_ = std::make_shared<const ModelServerScrape>();
  PeriodicWorker worker_;  // last: joined before the state it writes goes
};

}  // namespace ainode
