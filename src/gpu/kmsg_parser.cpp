#include "gpu/kmsg_parser.hpp"

#include <charconv>

namespace ainode {

namespace {

template <typename Number>
std::optional<Number> number(std::string_view text, int base = 10) {
  Number value{};
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits at the first `separator`, consuming it; nullopt when absent.
std::optional<std::string_view> take_until(std::string_view& text, char separator) {
  auto at = text.find(separator);
  if (at == std::string_view::npos) return std::nullopt;
  auto head = text.substr(0, at);
  text.remove_prefix(at + 1);
  return head;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<KmsgRecord> parse_kmsg_record(std::string_view record) {
  auto semicolon = record.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  std::string_view header = record.substr(0, semicolon);
  std::string_view body = record.substr(semicolon + 1);
  auto priority = take_until(header, ',');
  auto sequence = take_until(header, ',');
  auto microseconds = take_until(header, ',');
  if (!priority || !sequence || !microseconds) return std::nullopt;
  // What is left is the flags field, then optional fields newer kernels add.
  KmsgRecord out;
  auto p = number<unsigned>(*priority);
  auto s = number<std::uint64_t>(*sequence);
  auto us = number<std::uint64_t>(*microseconds);
  if (!p || !s || !us) return std::nullopt;
  out.priority = *p;
  out.sequence = *s;
  out.monotonic_microseconds = *us;
  out.message = body.substr(0, body.find('\n'));
  return out;
}

std::optional<PciAddress> parse_pci_address(std::string_view text) {
  if (text.starts_with("PCI:")) text.remove_prefix(4);
  auto dot = text.find('.');
  if (dot != std::string_view::npos) {
    if (!number<unsigned>(text.substr(dot + 1), 16)) return std::nullopt;
    text = text.substr(0, dot);
  }
  auto domain = take_until(text, ':');
  auto bus = take_until(text, ':');
  if (!domain || !bus || domain->size() > 8 || bus->size() > 2 || text.size() > 2) return std::nullopt;
  PciAddress out;
  auto d = number<std::uint32_t>(*domain, 16);
  auto b = number<std::uint32_t>(*bus, 16);
  auto dev = number<std::uint32_t>(text, 16);
  if (!d || !b || !dev) return std::nullopt;
  out.domain = *d;
  out.bus = *b;
  out.device = *dev;
  return out;
}

std::optional<KernelXid> parse_kernel_xid(std::string_view message) {
  constexpr std::string_view kMarker = "NVRM: Xid (";
  auto at = message.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + kMarker.size());
  auto address = take_until(rest, ')');
  if (!address) return std::nullopt;
  auto pci = parse_pci_address(*address);
  if (!pci || !rest.starts_with(':')) return std::nullopt;
  rest = trim(rest.substr(1));
  auto end = rest.find_first_not_of("0123456789");
  auto code = number<std::uint32_t>(rest.substr(0, end));
  if (!code) return std::nullopt;
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (!rest.empty() && rest.front() != ',') return std::nullopt;  // "79x": not a code
  if (!rest.empty()) rest.remove_prefix(1);
  KernelXid out;
  out.pci = *pci;
  out.code = *code;
  out.detail = std::string(trim(rest).substr(0, 240));
  return out;
}

std::optional<std::uint64_t> parse_callbacks_suppressed(std::string_view message) {
  constexpr std::string_view kSuffix = " callbacks suppressed";
  message = trim(message);
  if (!message.ends_with(kSuffix)) return std::nullopt;
  message.remove_suffix(kSuffix.size());
  auto space = message.rfind(' ');
  if (space == std::string_view::npos || space == 0 || message[space - 1] != ':') return std::nullopt;
  return number<std::uint64_t>(message.substr(space + 1));
}

}  // namespace ainode
