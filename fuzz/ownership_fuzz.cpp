// libFuzzer target: parse_ownership_records must return on any input (the
// file may be torn by a crash or edited by hand), as records or an error
// value, with no exception escaping; what parses renders back and parses
// to the same records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/ownership_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = ainode::parse_ownership_records(input, "/var/lib/ainode/policy-ownership.json");
  if (const auto* records = std::get_if<std::vector<ainode::OwnedKnob>>(&parsed)) {
    auto again = ainode::parse_ownership_records(ainode::render_ownership_records(*records), "again");
    const auto* round = std::get_if<std::vector<ainode::OwnedKnob>>(&again);
    if (round == nullptr || round->size() != records->size()) std::abort();
  }
  return 0;
}
