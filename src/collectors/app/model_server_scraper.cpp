#include "collectors/app/model_server_scraper.hpp"

#include "k8s/kubelet_http_client.hpp"

namespace ainode {

namespace {
// A model server exposes hundreds of samples (histograms per model); a page
// far beyond that is not one, and parsing it would cost the agent's memory.
constexpr std::size_t kMaxSamples = 200'000;
}  // namespace

ScrapedPage read_model_server_page(std::string_view body) {
  ParsedExposition parsed = parse_exposition(body, kMaxSamples);
  ScrapedPage page;
  page.counters = extract_model_counters(parsed);
  page.malformed_lines = parsed.malformed_lines;
  page.truncated = parsed.truncated;
  page.is_exposition = !(parsed.samples.empty() && parsed.malformed_lines > 0);
  return page;
}

ModelServerScraper::ModelServerScraper(std::string url, Duration timeout, std::size_t max_body_bytes,
                                       Duration interval)
    : url_(std::move(url)),
      timeout_(timeout),
      max_body_bytes_(max_body_bytes),
      worker_(interval, [this] { round(); }) {}

std::shared_ptr<const ModelServerScrape> ModelServerScraper::latest() {
  worker_.start();
  std::lock_guard lock(mutex_);
  return state_;
}

void ModelServerScraper::round() {
  ModelServerScrape next;
  {
    std::lock_guard lock(mutex_);
    next = *state_;
  }
  ++next.attempts;
  // The generic GET of the kubelet client: no token, the system's CAs.
  KubeletHttpOptions options;
  options.url = url_;
  options.token_file.clear();
  options.ca_file.clear();
  options.timeout = timeout_;
  options.max_bytes = max_body_bytes_;
  auto started = std::chrono::system_clock::now();
  KubeletHttpAnswer answer = kubelet_get(options, "");
  auto finished = std::chrono::system_clock::now();
  next.duration_seconds = std::chrono::duration<double>(finished - started).count();
  if (!answer.error_code.empty()) {
    ++next.errors[answer.error_code];
    next.last_error = answer.error;
    next.up = false;
  } else if (ScrapedPage page = read_model_server_page(answer.body); !page.is_exposition) {
    ++next.errors["parse"];
    next.last_error = url_ + ": not a Prometheus exposition page (" + std::to_string(page.malformed_lines) +
                      " malformed lines, no sample)";
    next.up = false;
  } else {
    next.up = true;
    next.last_error.clear();
    next.at = started + (finished - started) / 2;
    next.counters = std::move(page.counters);
    next.malformed_lines = page.malformed_lines;
    next.truncated = page.truncated;
  }
  std::lock_guard lock(mutex_);
  state_ = std::make_shared<const ModelServerScrape>(std::move(next));
}

}  // namespace ainode
