#include "k8s/grpc_unary_call.hpp"

#include "ainode/build_info.hpp"
#include "dynlib/curl_api.hpp"
#include "k8s/grpc_frame_parser.hpp"

namespace ainode {

namespace {

struct Answer {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
  GrpcStatus status;
};

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  std::size_t bytes = size * count;
  // The limit is on the message, as gRPC's max receive size; 5 bytes of prefix.
  if (answer->body.size() + bytes > answer->limit + 5) {
    answer->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  answer->body.append(data, bytes);
  return bytes;
}

// Headers and, after the body, trailers: both come through here.
std::size_t keep_status(char* data, std::size_t size, std::size_t count, void* user) {
  read_grpc_header_line(std::string_view(data, size * count), static_cast<Answer*>(user)->status);
  return size * count;
}

std::string framed(const std::string& message) {
  std::string out(5, '\0');
  auto length = static_cast<std::uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(1 + i)] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
  return out + message;
}

}  // namespace

GrpcCallResult grpc_unary_call(const GrpcCallOptions& options, std::string_view method, const std::string& request) {
  std::string load_error;
  const CurlApi* api = curl_api(load_error);
  if (api == nullptr) return {"", "INTERNAL", load_error};
  CurlHandle handle = make_curl_handle(*api);
  if (!handle) return {"", "INTERNAL", "cannot create a libcurl handle"};
  CURL* c = handle.get();
  // The authority is not looked at on a unix socket; gRPC clients send "localhost".
  std::string url = "http://localhost" + std::string(method);
  std::string body = framed(request);
  Answer answer;
  answer.limit = options.max_receive_bytes;
  api->easy_setopt(c, CURLOPT_URL, url.c_str());
  api->easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, options.socket_path.c_str());
  api->easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
  api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
  api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  api->easy_setopt(c, CURLOPT_POST, 1L);
  api->easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  api->easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  api->easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  api->easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_status);
  api->easy_setopt(c, CURLOPT_HEADERDATA, &answer);
  std::string user_agent = std::string("ainode/") + build::version;
  api->easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  CurlHeaders headers = make_curl_headers(*api);
  auto add_header = [&](const std::string& line) { headers.reset(api->slist_append(headers.release(), line.c_str())); };
  add_header("Content-Type: application/grpc");
  add_header("TE: trailers");
  // The server gives up when we do, instead of finishing an answer no one reads.
  add_header("grpc-timeout: " + std::to_string(options.timeout.count()) + "m");
  add_header("Expect:");
  api->easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  CURLcode code = api->easy_perform(c);
  std::string where = "unix:" + options.socket_path;
  if (answer.too_large) {
    return {"", "RESOURCE_EXHAUSTED",
            "answer larger than " + std::to_string(options.max_receive_bytes) + " bytes from " + where};
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return {"", "DEADLINE_EXCEEDED", "no answer within " + std::to_string(options.timeout.count()) + " ms from " + where};
  }
  if (code != CURLE_OK) return {"", "UNAVAILABLE", where + ": " + api->easy_strerror(code)};
  if (answer.status.code) {
    if (*answer.status.code != 0) return {"", grpc_status_name(*answer.status.code), answer.status.message};
  } else {
    long http_status = 0;
    api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http_status);
    if (http_status != 200) {
      return {"", grpc_status_name_for_http(http_status), where + ": HTTP " + std::to_string(http_status)};
    }
    return {"", "INTERNAL", where + ": answer without grpc-status"};
  }
  GrpcBody message = parse_grpc_unary_body(answer.body);
  if (!message.error.empty()) return {"", "INTERNAL", where + ": " + message.error};
  return {std::move(message.message), "OK", ""};
}

}  // namespace ainode
