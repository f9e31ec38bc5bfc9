#include "k8s/grpc_frame_parser.hpp"

#include <array>
#include <cctype>

#include "core/text.hpp"

namespace ainode {

namespace {

constexpr std::size_t kPrefixBytes = 5;

std::uint32_t big_endian32(std::string_view bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// grpc-message is percent-encoded (PROTOCOL-HTTP2.md); a malformed escape
// is kept as written rather than dropped.
std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool equals_lowercase(std::string_view text, std::string_view lowercase) {
  if (text.size() != lowercase.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != lowercase[i]) return false;
  }
  return true;
}

}  // namespace

GrpcBody parse_grpc_unary_body(std::string_view body) {
  if (body.empty()) return {"", "empty answer: no message"};
  if (body.size() < kPrefixBytes) {
    return {"", "truncated message prefix (" + std::to_string(body.size()) + " bytes)"};
  }
  unsigned char flag = static_cast<unsigned char>(body[0]);
  if (flag > 1) return {"", "bad message flag " + std::to_string(flag)};
  if (flag == 1) return {"", "compressed message, though no encoding was offered"};
  std::uint64_t length = big_endian32(body.substr(1, 4));
  std::string_view rest = body.substr(kPrefixBytes);
  if (rest.size() < length) {
    return {"", "truncated message: " + std::to_string(rest.size()) + " of " + std::to_string(length) + " bytes"};
  }
  if (rest.size() > length) return {"", "more than one message in a unary answer"};
  return {std::string(rest), ""};
}

void read_grpc_header_line(std::string_view line, GrpcStatus& status) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view name = line.substr(0, colon);
  std::string_view value = text::trim(line.substr(colon + 1));
  if (equals_lowercase(name, "grpc-status")) {
    int code = 0;
    if (value.empty() || value.size() > 3) return;
    for (char c : value) {
      if (c < '0' || c > '9') return;
      code = code * 10 + (c - '0');
    }
    status.code = code;
  } else if (equals_lowercase(name, "grpc-message")) {
    status.message = percent_decode(value);
  }
}

std::string grpc_status_name(int code) {
  static constexpr std::array<const char*, 17> kNames = {
      "OK",        "CANCELLED",          "UNKNOWN",          "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",      "DATA_LOSS",        "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(kNames.size())) return "UNKNOWN";
  return kNames[static_cast<std::size_t>(code)];
}

std::string grpc_status_name_for_http(long http_status) {
  // gRPC's http-grpc-status-mapping.md.
  switch (http_status) {
    case 400: return "INTERNAL";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "UNIMPLEMENTED";
    case 429:
    case 502:
    case 503:
    case 504: return "UNAVAILABLE";
    default: return "UNKNOWN";
  }
}

}  // namespace ainode
