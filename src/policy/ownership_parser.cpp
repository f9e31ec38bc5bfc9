#include "policy/ownership_parser.hpp"

#include <nlohmann/json.hpp>

namespace ainode {

namespace {
constexpr int kVersion = 1;
}

std::variant<std::vector<OwnedKnob>, std::string> parse_ownership_records(std::string_view text, const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("records") || !doc["records"].is_array()) {
    return path + ": not an ownership file (expected {\"version\":1,\"records\":[...]})";
  }
  if (doc.contains("version") && doc["version"] != kVersion) {
    return path + ": version " + doc["version"].dump() + " is not 1 (written by a newer agent?)";
  }
  std::vector<OwnedKnob> records;
  std::size_t index = 0;
  for (const auto& item : doc["records"]) {
    std::string where = path + ": records[" + std::to_string(index++) + "]: ";
    if (!item.is_object()) return where + "not an object";
    auto string_field = [&](const char* name, std::string& out) {
      auto found = item.find(name);
      if (found == item.end()) return true;
      if (!found->is_string()) return false;
      out = found->get<std::string>();
      return true;
    };
    OwnedKnob record;
    std::string knob_name;
    if (!string_field("uuid", record.uuid) || record.uuid.empty()) return where + "missing uuid";
    if (!string_field("knob", knob_name)) return where + "knob is not a string";
    auto knob = knob_from_string(knob_name);
    if (!knob) return where + "unknown knob '" + knob_name + "'";
    record.knob = *knob;
    auto gpu = item.find("gpu");
    if (gpu != item.end()) {
      if (!gpu->is_number_unsigned()) return where + "gpu is not an index";
      record.gpu = gpu->get<unsigned>();
    }
    auto original = setting_from_json(*knob, item.value("original", nlohmann::json()));
    auto set = setting_from_json(*knob, item.value("set", nlohmann::json()));
    if (!original) return where + "bad original value";
    if (!set) return where + "bad set value";
    record.original = *original;
    record.set = *set;
    if (!string_field("profile", record.profile) || !string_field("driver_version", record.driver_version) ||
        !string_field("boot_id", record.boot_id)) {
      return where + "profile, driver_version and boot_id are strings";
    }
    auto at = item.find("set_at_unix_seconds");
    if (at != item.end()) {
      if (!at->is_number_integer()) return where + "set_at_unix_seconds is not an integer";
      record.set_at_unix_seconds = at->get<std::int64_t>();
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string render_ownership_records(const std::vector<OwnedKnob>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : records) {
    list.push_back({{"uuid", r.uuid},
                    {"gpu", r.gpu},
                    {"knob", to_string(r.knob)},
                    {"original", setting_json(r.original)},
                    {"set", setting_json(r.set)},
                    {"profile", r.profile},
                    {"driver_version", r.driver_version},
                    {"boot_id", r.boot_id},
                    {"set_at_unix_seconds", r.set_at_unix_seconds}});
  }
  return nlohmann::json{{"version", kVersion}, {"records", list}}.dump(2) + "\n";
}

}  // namespace ainode
