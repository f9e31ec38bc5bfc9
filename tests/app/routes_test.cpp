#include "app/routes.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "app/snapshot_builder.hpp"
#include "config/reserved_paths.hpp"

using namespace ainode;

namespace {

const MetricDesc kMemTotal{"ainode_memory_total_bytes", MetricType::gauge, "bytes", "Total memory.", {}};
const MetricDesc kMemAvailable{"ainode_memory_available_bytes", MetricType::gauge, "bytes", "Available memory.", {}};

std::shared_ptr<const Snapshot> sample_snapshot(std::vector<CollectorStatus> extra = {}) {
  CycleResult cycle;
  cycle.sequence = 7;
  cycle.started_at = std::chrono::system_clock::now();
  MetricSet set;
  set.add(kMemTotal, 1000);
  set.add(kMemAvailable, 500);
  cycle.families = set.families();
  CollectorStatus memory;
  memory.name = "memory";
  memory.success = true;
  CollectorStatus broken;
  broken.name = "broken";
  broken.last_error = "bad file";
  broken.errors_total = 3;
  cycle.collectors = {memory, broken};
  cycle.collectors.insert(cycle.collectors.end(), extra.begin(), extra.end());
  SnapshotBuilder builder(cycle.started_at);
  return builder.build(std::move(cycle));
}

RouteOptions options_for(std::string telemetry_path) {
  RouteOptions options;
  options.telemetry_path = std::move(telemetry_path);
  options.start_time = std::chrono::system_clock::now();
  return options;
}

HttpResponse get(const HttpHandler& handler, std::string target, std::string accept = "", std::string encoding = "",
                 std::string method = "GET") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.accept = std::move(accept);
  request.accept_encoding = std::move(encoding);
  return handler(request);
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

}  // namespace

TEST(Routes, AcceptsGzip) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("identity"));
}

TEST(Routes, NotReadyUntilFirstSnapshot) {
  SnapshotStore store;
  auto handler = make_routes(store, options_for("/metrics"));
  EXPECT_EQ(get(handler, "/healthz").status, 200u);
  EXPECT_EQ(get(handler, "/readyz").status, 503u);
  EXPECT_EQ(get(handler, "/metrics").status, 503u);
  store.publish(sample_snapshot());
  EXPECT_EQ(get(handler, "/readyz").status, 200u);
}

TEST(Routes, MetricsFormatsAndCompression) {
  SnapshotStore store;
  store.publish(sample_snapshot());
  auto handler = make_routes(store, options_for("/metrics"));
  auto text = get(handler, "/metrics");
  EXPECT_EQ(text.status, 200u);
  EXPECT_EQ(text.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(text.body->find("ainode_memory_total_bytes 1000\n"), std::string::npos);
  EXPECT_NE(text.body->find("ainode_collector_errors_total{collector=\"broken\"} 3\n"), std::string::npos);
  EXPECT_NE(text.body->find("ainode_health_score 10\n"), std::string::npos) << *text.body;

  auto om = get(handler, "/metrics?x=1", "application/openmetrics-text;version=1.0.0");
  EXPECT_EQ(om.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_TRUE(om.body->ends_with("# EOF\n"));

  auto gz = get(handler, "/metrics", "", "gzip");
  EXPECT_EQ(gz.content_encoding, "gzip");
  EXPECT_EQ(gunzip(*gz.body), *text.body);
  // Compressed once per snapshot: the same bytes are shared.
  EXPECT_EQ(get(handler, "/metrics", "", "gzip").body.get(), gz.body.get());
}

// Prometheus accepts gzip: asked for first, the compressed body is made from
// a render the snapshot does not keep; a plain client later gets the same
// text, rendered once more and then shared.
TEST(Routes, GzipFirstKeepsOnlyTheCompressedBodyAndPlainIsStillRight) {
  SnapshotStore store;
  store.publish(sample_snapshot());
  auto handler = make_routes(store, options_for("/metrics"));
  auto gz = get(handler, "/metrics", "", "gzip");
  EXPECT_EQ(gz.content_encoding, "gzip");
  EXPECT_EQ(get(handler, "/metrics", "", "gzip").body.get(), gz.body.get());
  auto text = get(handler, "/metrics");
  EXPECT_EQ(gunzip(*gz.body), *text.body);
  EXPECT_EQ(get(handler, "/metrics").body.get(), text.body.get());
  EXPECT_EQ(get(handler, "/metrics", "", "gzip").body.get(), gz.body.get());
}

TEST(RenderedBody, RendersForTheCompressorWithoutKeepingTheText) {
  int renders = 0;
  RenderedBody body([&renders] {
    ++renders;
    return std::string(10000, 'a');
  });
  EXPECT_EQ(gunzip(*body.gzipped()), std::string(10000, 'a'));
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(body.plain()->size(), 10000u);
  EXPECT_EQ(renders, 2) << "the text was not kept after compressing";
  body.plain();
  body.gzipped();
  EXPECT_EQ(renders, 2);
  RenderedBody plain_first([] { return std::string(10, 'b'); });
  const std::string& text = *plain_first.plain();
  EXPECT_EQ(gunzip(*plain_first.gzipped()), text);
}

TEST(Routes, StatusJson) {
  SnapshotStore store;
  store.publish(sample_snapshot());
  auto handler = make_routes(store, options_for("/metrics"));
  for (const char* path : {"/v1/status", "/status"}) {
    auto response = get(handler, path);
    EXPECT_EQ(response.content_type, "application/json");
    auto json = nlohmann::json::parse(*response.body);
    EXPECT_EQ(json["snapshot"]["sequence"], 7);
    EXPECT_EQ(json["node"]["memory"]["total_bytes"], 1000.0);
    EXPECT_TRUE(json["node"]["cpu"]["utilization_ratio"].is_null());
    EXPECT_EQ(json["collectors"][1]["name"], "broken");
    EXPECT_EQ(json["collectors"][1]["last_error"], "bad file");
    EXPECT_EQ(json["node"]["health_score"], 10.0);
  }
}

// A refused web config is visible in /v1/status, not only in the log.
TEST(Routes, StatusJsonCarriesTheWebConfigState) {
  SnapshotStore store;
  store.publish(sample_snapshot());
  HttpServer server(HttpServerOptions{"127.0.0.1:0"}, [](const HttpRequest&) { return HttpResponse{}; });
  auto missing = std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/web/missing_cert.yml";
  ASSERT_TRUE(server.set_web_config(missing));
  auto handler = make_routes(store, RouteOptions{"/metrics", std::chrono::system_clock::now(), &server});
  auto json = nlohmann::json::parse(*get(handler, "/v1/status").body);
  EXPECT_EQ(json["web"]["config_file"], missing);
  EXPECT_EQ(json["web"]["reload_success"], false);
  EXPECT_NE(json["web"]["last_reload_error"].get<std::string>().find("missing_cert.yml:3: tls_server_config.cert_file"),
            std::string::npos);
  EXPECT_EQ(json["web"]["tls"], false);
  // Without a server (tools, tests) the section is left out.
  auto plain = make_routes(store, RouteOptions{"/metrics", std::chrono::system_clock::now()});
  EXPECT_FALSE(nlohmann::json::parse(*get(plain, "/v1/status").body).contains("web"));
}

TEST(Routes, UnknownPathsAndMethods) {
  SnapshotStore store;
  auto handler = make_routes(store, options_for("/custom"));
  EXPECT_EQ(get(handler, "/metrics").status, 404u);
  EXPECT_EQ(get(handler, "/nope").status, 404u);
  auto post = get(handler, "/custom", "", "", "POST");
  EXPECT_EQ(post.status, 405u);
  ASSERT_EQ(post.headers.size(), 1u);
  EXPECT_EQ(post.headers[0].second, "GET, HEAD");
  EXPECT_NE(get(handler, "/").body->find("/custom"), std::string::npos);
}

// /readyz follows the core collectors (cpu, memory, loadavg) of the latest
// cycle; other collectors ("broken" in the sample) may fail.
TEST(Routes, ReadyOnlyWhileCoreCollectorsSucceed) {
  SnapshotStore store;
  auto handler = make_routes(store, options_for("/metrics"));
  CollectorStatus cpu;
  cpu.name = "cpu";
  cpu.last_error = "/nonexistent/proc/stat: No such file or directory";
  store.publish(sample_snapshot({cpu}));
  auto response = get(handler, "/readyz");
  EXPECT_EQ(response.status, 503u);
  EXPECT_NE(response.body->find("cpu: /nonexistent/proc/stat"), std::string::npos) << *response.body;
  EXPECT_EQ(get(handler, "/metrics").status, 200u);  // what was collected is still served

  cpu.success = true;
  store.publish(sample_snapshot({cpu}));
  EXPECT_EQ(get(handler, "/readyz").status, 200u);
}

TEST(Routes, EveryBuiltinRouteIsReservedFromTheTelemetryPath) {
  SnapshotStore store;
  store.publish(sample_snapshot());
  auto handler = make_routes(store, options_for("/metrics"));
  for (auto path : builtin_routes()) {
    EXPECT_NE(get(handler, std::string(path)).status, 404u) << path;
    EXPECT_TRUE(is_reserved_path(path)) << path;
  }
  EXPECT_TRUE(is_reserved_path("/v1/anything-new"));
  EXPECT_TRUE(is_reserved_path("/v1"));
  EXPECT_FALSE(is_reserved_path("/metrics"));
  EXPECT_FALSE(is_reserved_path("/v1metrics"));
}

TEST(Routes, QueryRangeReadsTheBuffer) {
  SnapshotStore store;
  auto without = make_routes(store, options_for("/metrics"));
  EXPECT_EQ(get(without, "/v1/query_range?metric=ainode_memory_total_bytes").status, 503u);

  BufferOptions memory_only;
  memory_only.directory_problem = "test: no disk";
  Buffer buffer(memory_only);
  auto snapshot = sample_snapshot();
  buffer.append(snapshot);
  buffer.flush();
  RouteOptions options = options_for("/metrics");
  options.buffer = &buffer;
  auto handler = make_routes(store, options);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(snapshot->taken_at.time_since_epoch()).count();
  auto response = get(handler, "/v1/query_range?metric=ainode_memory_total_bytes&start=" + std::to_string(seconds) +
                                   "&end=" + std::to_string(seconds + 2) + "&step=1s");
  ASSERT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "application/json");
  auto json = nlohmann::json::parse(*response.body);
  ASSERT_EQ(json["data"]["result"].size(), 1u);
  // The sample is taken within the first second, so steps start+1 and start+2 see it.
  EXPECT_EQ(json["data"]["result"][0]["values"].back()[1], "1000");
  auto bad = get(handler, "/v1/query_range?start=1");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(nlohmann::json::parse(*bad.body)["error"], "metric is required");
  EXPECT_EQ(get(handler, "/v1/query_range?metric=%zz").status, 400u);
}

TEST(Routes, JsonViewsAnswerGetBeforeTheFirstSnapshot) {
  SnapshotStore store;
  RouteOptions options = options_for("/metrics");
  options.json_views["/v1/example"] = [](const HttpRequest& request) {
    return nlohmann::json{{"target", request.target}};
  };
  auto handler = make_routes(store, options);
  auto response = get(handler, "/v1/example?x=1");
  ASSERT_EQ(response.status, 200u);
  EXPECT_EQ(nlohmann::json::parse(*response.body)["target"], "/v1/example?x=1");
  EXPECT_EQ(get(handler, "/v1/example/more").status, 404u);
}
