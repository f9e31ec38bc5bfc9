#include "app/event_printer.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace ainode {

namespace {

std::string text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string subject_text(const nlohmann::json& subject) {
  if (!subject.is_object()) return {};
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!part.empty()) out += (out.empty() ? "" : " ") + part;
  };
  if (subject.contains("gpu")) add("GPU " + text(subject, "gpu"));
  if (subject.contains("collector")) add("collector " + text(subject, "collector"));
  if (subject.contains("namespace")) add(text(subject, "namespace") + "/" + text(subject, "pod"));
  if (subject.contains("profile")) add("profile " + text(subject, "profile"));
  return out;
}

}  // namespace

std::string format_event_line(const nlohmann::json& event) {
  if (!event.is_object()) return event.dump();
  const nlohmann::json empty = nlohmann::json::object();
  const auto& subject = event.contains("subject") ? event["subject"] : empty;
  return fmt::format("{:<24}  {:<8}  {:<24}  {:<12}  {}", text(event, "time"), text(event, "severity"),
                     text(event, "type"), subject_text(subject), text(event, "message"));
}

}  // namespace ainode
