#include "app/routes.hpp"

#include "app/pods_view.hpp"
#include "app/readiness.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "buffer/query_range.hpp"
#include "http/header_values.hpp"
#include "http/query_string_parser.hpp"
#include "exposition/prometheus_text.hpp"
#include "exposition/status_json.hpp"

namespace ainode {

namespace {

HttpResponse text_response(unsigned status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

HttpResponse not_ready() {
  auto response = text_response(503, "no collection has completed yet\n");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

HttpResponse metrics_response(const Snapshot& snapshot, const HttpRequest& request) {
  bool openmetrics = negotiate_format(request.accept) == ExpositionFormat::openmetrics;
  const RenderedBody& body = openmetrics ? *snapshot.openmetrics_text : *snapshot.prometheus_text;
  HttpResponse response;
  response.content_type = std::string(openmetrics ? kOpenMetricsContentType : kPrometheusTextContentType);
  if (accepts_gzip(request.accept_encoding)) {
    response.body = body.gzipped();
    response.content_encoding = "gzip";
  } else {
    response.body = body.plain();
  }
  response.headers.emplace_back("Vary", "Accept, Accept-Encoding");
  return response;
}

// /v1/gpus, /v1/rdma: one collector detail section on its own, for tools
// that want only that.
HttpResponse json_response(const nlohmann::json& body, unsigned status = 200) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::make_shared<const std::string>(body.dump(2) + "\n");
  return response;
}

HttpResponse detail_response(const Snapshot& snapshot, const std::string& key) {
  nlohmann::json section = nlohmann::json::array();
  for (const auto& collector : snapshot.collectors) {
    if (collector.details && collector.details->json().contains(key)) section = collector.details->json()[key];
  }
  return json_response(nlohmann::json{{key, section}});
}

HttpResponse gpus_response(const Snapshot& snapshot, const std::vector<std::function<void(nlohmann::json&)>>& annotators) {
  if (annotators.empty()) return detail_response(snapshot, "gpus");
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& collector : snapshot.collectors) {
    if (collector.details && collector.details->json().contains("gpus")) gpus = collector.details->json()["gpus"];
  }
  for (auto& gpu : gpus) {
    for (const auto& annotate : annotators) annotate(gpu);
  }
  return json_response(nlohmann::json{{"gpus", gpus}});
}

// History from the buffer (docs/buffer.md); Prometheus' query_range shape.
HttpResponse query_range_response(Buffer* buffer, const HttpRequest& request) {
  if (buffer == nullptr) return text_response(503, "the buffer is disabled (buffer.enable = false)\n");
  auto parameters = parse_query_string(request.target);
  if (!parameters) return text_response(400, "malformed query string\n");
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  auto query = parse_query_range(*parameters, now_ms);
  if (auto* error = std::get_if<std::string>(&query)) {
    return json_response(nlohmann::json{{"status", "error"}, {"errorType", "bad_data"}, {"error", *error}}, 400);
  }
  const auto& range = std::get<QueryRange>(query);
  return json_response(
      evaluate_query_range(range, buffer->read_time_range(range.start_ms - kLookbackMs, range.end_ms)));
}

constexpr std::string_view kIndex =
    "<html><head><title>ainode</title></head><body><h1>ainode</h1><ul>"
    "<li><a href=\"{metrics}\">{metrics}</a>: Prometheus metrics</li>"
    "<li><a href=\"/v1/status\">/v1/status</a>: node and collector status (JSON)</li>"
    "<li><a href=\"/v1/gpus\">/v1/gpus</a>, <a href=\"/v1/rdma\">/v1/rdma</a>, <a href=\"/v1/pods\">/v1/pods</a>, "
    "<a href=\"/v1/dri\">/v1/dri</a>: GPUs (every vendor), RDMA ports, Kubernetes containers with their devices and "
    "processes, DRM cards and render nodes (JSON)</li>"
    "<li><a href=\"/v1/events\">/v1/events</a> (Server-Sent Events), <a href=\"/v1/events/recent\">/v1/events/recent</a>: "
    "live and recent events; /v1/control/*: the audited control API</li>"
    "<li>/v1/query_range?metric=NAME&amp;label=value&amp;start=&amp;end=&amp;step=: recent history from the "
    "buffer (JSON)</li>"
    "<li><a href=\"/healthz\">/healthz</a>, <a href=\"/readyz\">/readyz</a></li>"
    "</ul></body></html>\n";

std::string index_page(const std::string& metrics_path) {
  std::string page(kIndex);
  for (std::size_t at; (at = page.find("{metrics}")) != std::string::npos;) page.replace(at, 9, metrics_path);
  return page;
}

// The web config's state: whether the last (re)load was refused and why,
// so an operator sees a bad reload without reading the log.
nlohmann::json web_status_json(const WebConfigStatus& web) {
  return nlohmann::json{{"config_file", web.file},
                        {"reload_success", web.reload_success},
                        {"last_reload_error", web.last_error},
                        {"tls", web.tls},
                        {"client_auth_type", web.client_auth_type},
                        {"basic_auth", web.basic_auth},
                        {"certificate_reloads", web.certificate_reloads},
                        {"certificate_error", web.certificate_error}};
}

}  // namespace

const std::vector<std::string_view>& builtin_routes() {
  static const std::vector<std::string_view> routes = {"/",         "/healthz", "/readyz",  "/status", "/v1/status",
                                                       "/v1/gpus",  "/v1/rdma", "/v1/pods", "/v1/dri", "/v1/query_range",
                                                       "/v1/events", "/v1/events/recent", "/v1/history", "/v1/rca",
                                                       "/v1/policies"};
  return routes;
}

bool accepts_gzip(std::string_view accept_encoding) {
  return header_lists(accept_encoding, "gzip") || header_lists(accept_encoding, "*");
}

HttpHandler make_routes(const SnapshotStore& store, RouteOptions options) {
  auto index = std::make_shared<const std::string>(index_page(options.telemetry_path));
  return [&store, options, index](const HttpRequest& request) -> HttpResponse {
    std::string_view path = path_of(request.target);
    if (options.control && path.starts_with("/v1/control/")) return options.control->handle(request);
    bool events = options.events && (path == "/v1/events" || path == "/v1/events/recent");
    if (events && request.method != "GET" && request.method != "HEAD") {
      auto response = text_response(405, "method not allowed\n");
      response.headers.emplace_back("Allow", "GET, HEAD");
      return response;
    }
    if (events && path == "/v1/events") {
      return event_stream_response(*options.events, request, *options.event_stream_stats, options.event_stream_options);
    }
    if (events) return recent_events_response(*options.events, request);
    const auto& builtin = builtin_routes();
    auto json_view = options.json_views.find(path);
    bool known = path == options.telemetry_path || std::find(builtin.begin(), builtin.end(), path) != builtin.end() ||
                 json_view != options.json_views.end();
    if (!known) return text_response(404, "not found\n");
    if (request.method != "GET" && request.method != "HEAD") {
      auto response = text_response(405, "method not allowed\n");
      response.headers.emplace_back("Allow", "GET, HEAD");
      return response;
    }
    if (path == "/healthz") return text_response(200, "ok\n");
    if (path == "/") {
      HttpResponse response;
      response.content_type = "text/html; charset=utf-8";
      response.body = index;
      return response;
    }
    if (path == "/v1/query_range") return query_range_response(options.buffer, request);
    if (json_view != options.json_views.end()) return json_response(json_view->second(request));
    auto snapshot = store.latest();
    if (path == "/readyz") {
      if (!snapshot) return not_ready();
      Readiness readiness = readiness_of(*snapshot);
      return readiness.ready ? text_response(200, "ready\n") : text_response(503, readiness.reason + "\n");
    }
    if (!snapshot) return not_ready();
    if (path == options.telemetry_path) return metrics_response(*snapshot, request);
    if (path == "/v1/gpus") return gpus_response(*snapshot, options.gpu_annotators);
    if (path == "/v1/rdma") return detail_response(*snapshot, "rdma");
    if (path == "/v1/pods") return json_response(pods_view(*snapshot));
    if (path == "/v1/dri") return detail_response(*snapshot, "dri");
    HttpResponse response;
    response.content_type = "application/json";
    std::string status = render_status_json(*snapshot, std::chrono::system_clock::now(), options.start_time);
    if (options.server) {
      auto json = nlohmann::json::parse(status);
      json["web"] = web_status_json(options.server->web_config_status());
      status = json.dump(2) + "\n";
    }
    response.body = std::make_shared<const std::string>(std::move(status));
    return response;
  };
}

}  // namespace ainode
