#include "tui/process_rows.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "tui/gpu_rows.hpp"
#include "tui/json_read.hpp"

namespace ainode::tui {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<unsigned> parse_pid(const std::string* text) {
  if (!text) return std::nullopt;
  unsigned pid = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), pid);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return pid;
}

void fill_owner(ProcessRow& row, const ExpositionSample& sample) {
  auto set = [&](std::string& field, const char* label) {
    if (const std::string* value = sample.label(label); value && field.empty()) field = *value;
  };
  set(row.namespace_name, "namespace");
  set(row.pod, "pod");
  set(row.container, "container");
  set(row.name, "name");
}

}  // namespace

std::vector<ProcessRow> process_rows(const AgentState& agent) {
  std::map<unsigned, ProcessRow> rows;
  for (const auto& gpu : gpu_list(agent)) {
    auto index = number_at(gpu, {"index"});
    for (const auto& process : array_at(gpu, {"processes"})) {
      auto pid = number_at(process, {"pid"});
      if (!pid) continue;
      ProcessRow& row = rows[static_cast<unsigned>(*pid)];
      row.pid = static_cast<unsigned>(*pid);
      if (row.name.empty()) row.name = text_at(process, {"name"});
      if (index) row.gpus.push_back(static_cast<unsigned>(*index));
      if (auto memory = number_at(process, {"memory_bytes"})) row.gpu_memory_bytes = row.gpu_memory_bytes.value_or(0) + *memory;
      if (auto sm = number_at(process, {"sm_utilization_ratio"})) row.sm_ratio = std::max(row.sm_ratio.value_or(0), *sm);
      if (row.pod.empty()) {
        row.namespace_name = text_at(process, {"namespace"});
        row.pod = text_at(process, {"pod"});
        row.container = text_at(process, {"container"});
      }
    }
  }
  for (const ExpositionSample* sample : samples_named(agent.metrics, "ainode_process_resident_memory_bytes")) {
    auto pid = parse_pid(sample->label("pid"));
    if (!pid) continue;
    ProcessRow& row = rows[*pid];
    row.pid = *pid;
    row.resident_bytes = sample->value;
    fill_owner(row, *sample);
  }
  for (const ExpositionSample* sample : samples_named(agent.metrics, "ainode_process_cpu_seconds_total")) {
    auto pid = parse_pid(sample->label("pid"));
    if (!pid) continue;
    ProcessRow& row = rows[*pid];
    row.pid = *pid;
    fill_owner(row, *sample);
    row.cpu_ratio = counter_rate(agent.previous_metrics, agent.metrics, "ainode_process_cpu_seconds_total",
                                 {{"pid", *sample->label("pid")}});
  }
  std::vector<ProcessRow> out;
  out.reserve(rows.size());
  for (auto& [pid, row] : rows) out.push_back(std::move(row));
  return out;
}

bool process_matches(const ProcessRow& row, const std::string& filter) {
  if (filter.empty()) return true;
  std::string wanted = lower(filter);
  for (const std::string& field : {std::to_string(row.pid), row.name, row.namespace_name, row.pod, row.container}) {
    if (lower(field).find(wanted) != std::string::npos) return true;
  }
  return false;
}

void sort_processes(std::vector<ProcessRow>& rows, ProcessSort sort) {
  // Largest first for amounts; absent values last.
  auto by = [](const std::optional<double>& a, const std::optional<double>& b) {
    return a.value_or(-1) > b.value_or(-1);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const ProcessRow& a, const ProcessRow& b) {
    switch (sort) {
      case ProcessSort::gpu_memory: return by(a.gpu_memory_bytes, b.gpu_memory_bytes);
      case ProcessSort::cpu: return by(a.cpu_ratio, b.cpu_ratio);
      case ProcessSort::resident_memory: return by(a.resident_bytes, b.resident_bytes);
      case ProcessSort::pid: return a.pid < b.pid;
      case ProcessSort::name: return a.name < b.name;
    }
    return false;
  });
}

const char* sort_name(ProcessSort sort) {
  switch (sort) {
    case ProcessSort::gpu_memory: return "GPU memory";
    case ProcessSort::cpu: return "CPU";
    case ProcessSort::resident_memory: return "RSS";
    case ProcessSort::pid: return "pid";
    case ProcessSort::name: return "name";
  }
  return "";
}

}  // namespace ainode::tui
