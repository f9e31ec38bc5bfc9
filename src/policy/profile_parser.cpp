#include "policy/profile_parser.hpp"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "core/text.hpp"
#include "policy/profile_conditions.hpp"
#include "policy/profile_yaml.hpp"
#include "policy/quantity.hpp"

namespace ainode {

namespace {

constexpr std::string_view kApiVersion = "ainode.io/v1";
constexpr std::string_view kKind = "EfficiencyProfile";
// Clock values NVML takes are MHz in an unsigned int; no GPU runs at 100 GHz.
constexpr std::int64_t kMaxMegahertz = 100'000;

// Kubernetes' DNS-1123 label: the name may become a label value and part of
// a ConfigMap key, so it follows the same rule.
bool is_dns1123_label(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; });
}

class DocumentParser {
 public:
  DocumentParser(ProfileYamlWalker& walker, EfficiencyProfile& profile) : walker_(walker), profile_(profile) {}

  void parse(const YAML::Node& root) {
    bool api_version = false, kind = false, metadata = false, spec = false;
    if (!walker_.for_each_entry(root, "", [&](const std::string& name, const std::string& key,
                                               const YAML::Node& value, int line) {
          remember(key, line);
          if (name == "apiVersion") {
            api_version = true;
            auto text = walker_.scalar(value, key);
            if (text && *text != kApiVersion) {
              walker_.error(value, key, "unsupported apiVersion '" + *text + "' (expected " + std::string(kApiVersion) + ")");
            }
          } else if (name == "kind") {
            kind = true;
            auto text = walker_.scalar(value, key);
            if (text && *text != kKind) walker_.error(value, key, "unsupported kind '" + *text + "' (expected " + std::string(kKind) + ")");
          } else if (name == "metadata") {
            metadata = true;
            parse_metadata(value);
          } else if (name == "spec") {
            spec = true;
            parse_spec(value);
          } else {
            walker_.unknown(line, key, "apiVersion, kind, metadata, spec");
          }
        })) {
      return;
    }
    int line = yaml_line(root);
    if (!api_version) walker_.error(line, "apiVersion", "missing required field (apiVersion: ainode.io/v1)");
    if (!kind) walker_.error(line, "kind", "missing required field (kind: EfficiencyProfile)");
    if (!metadata) walker_.error(line, "metadata.name", "missing required field");
    if (!spec) walker_.error(line, "spec", "missing required field");
  }

 private:
  void remember(const std::string& key, int line) { profile_.key_lines[key] = line; }

  void parse_metadata(const YAML::Node& node) {
    bool named = false;
    walker_.for_each_entry(node, "metadata", [&](const std::string& name, const std::string& key,
                                                  const YAML::Node& value, int line) {
      remember(key, line);
      if (name == "name") {
        named = true;
        auto text = walker_.scalar(value, key);
        if (!text) return;
        if (!is_dns1123_label(*text)) {
          walker_.error(value, key, "'" + *text + "' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63)");
        }
        profile_.name = *text;
      } else if (name == "labels") {
        if (auto map = walker_.string_map(value, key)) profile_.labels = *map;
      } else if (name == "annotations") {
        if (auto map = walker_.string_map(value, key)) profile_.annotations = *map;
      } else {
        walker_.unknown(line, key, "name, labels, annotations");
      }
    });
    if (node.IsMap() && !named) walker_.error(profile_.line_of("metadata"), "metadata.name", "missing required field");
  }

  void parse_spec(const YAML::Node& node) {
    bool selector = false, then = false;
    walker_.for_each_entry(node, "spec", [&](const std::string& name, const std::string& key,
                                              const YAML::Node& value, int line) {
      remember(key, line);
      if (name == "mode") {
        auto text = walker_.scalar(value, key);
        if (!text) return;
        if (*text == "off") profile_.mode = PolicyMode::off;
        else if (*text == "dry_run") profile_.mode = PolicyMode::dry_run;
        else if (*text == "enforce") profile_.mode = PolicyMode::enforce;
        else walker_.error(value, key, "invalid mode '" + *text + "' (expected off, dry_run or enforce)");
      } else if (name == "priority") {
        if (auto number = walker_.integer(value, key, -1'000'000, 1'000'000)) profile_.priority = *number;
      } else if (name == "selector") {
        selector = true;
        parse_selector(value);
      } else if (name == "when") {
        parse_when(value);
      } else if (name == "for") {
        if (auto duration = walker_.duration(value, key)) profile_.hold_for = *duration;
      } else if (name == "cooldown") {
        if (auto duration = walker_.duration(value, key)) profile_.cooldown = *duration;
      } else if (name == "max_changes_per_hour") {
        if (auto number = walker_.integer(value, key, 1, 3600)) profile_.max_changes_per_hour = static_cast<unsigned>(*number);
      } else if (name == "step_watts") {
        profile_.step_watts = watts(value, key, true);
      } else if (name == "floor_watts") {
        profile_.floor_watts = watts(value, key, true);
      } else if (name == "then") {
        then = true;
        parse_then(value);
      } else {
        walker_.unknown(line, key, "mode, priority, selector, when, for, cooldown, max_changes_per_hour, step_watts, floor_watts, then");
      }
    });
    if (!node.IsMap()) return;
    // Reported at the `spec:` line: the mapping's own mark is its first key.
    int spec_line = profile_.line_of("spec");
    if (!selector) walker_.error(spec_line, "spec.selector", "missing required field (selector: {gpus: all} for every GPU)");
    if (!then) walker_.error(spec_line, "spec.then", "missing required field (the action, e.g. power_limit: 250W)");
    check_spec_consistency();
  }

  std::optional<double> watts(const YAML::Node& value, const std::string& key, bool bare_allowed) {
    auto text = walker_.scalar(value, key);
    if (!text) return std::nullopt;
    auto result = parse_watts(*text, bare_allowed);
    if (const auto* why = std::get_if<std::string>(&result)) {
      walker_.error(value, key, *why);
      return std::nullopt;
    }
    return std::get<double>(result);
  }

  void parse_selector(const YAML::Node& node) {
    auto& selector = profile_.selector;
    bool any = false;
    walker_.for_each_entry(node, "spec.selector", [&](const std::string& name, const std::string& key,
                                                       const YAML::Node& value, int line) {
      remember(key, line);
      any = true;
      if (name == "gpus") {
        parse_gpus(value, key);
      } else if (name == "model") {
        auto text = walker_.scalar(value, key);
        if (text && text->empty()) walker_.error(value, key, "an empty model glob selects nothing; remove it to select any model");
        if (text) selector.model = *text;
      } else if (name == "mig") {
        selector.mig = walker_.boolean(value, key);
      } else if (name == "namespace") {
        auto text = walker_.scalar(value, key);
        if (text && text->empty()) walker_.error(value, key, "empty namespace");
        if (text) selector.namespace_name = *text;
      } else if (name == "pod_labels") {
        if (auto map = walker_.string_map(value, key)) selector.pod_labels = *map;
      } else if (name == "node") {
        if (auto flag = walker_.boolean(value, key)) selector.node = *flag;
      } else {
        walker_.unknown(line, key, "gpus, model, mig, namespace, pod_labels, node");
      }
    });
    // An empty selector is refused rather than read as "everything": a
    // profile that changes every GPU should say so (gpus: all).
    if (node.IsMap() && !any) walker_.error(node, "spec.selector", "empty selector; write gpus: all to select every GPU");
    if (selector.node && (!selector.all_gpus || !selector.model.empty() || selector.mig ||
                          !selector.namespace_name.empty() || !selector.pod_labels.empty())) {
      walker_.error(profile_.line_of("spec.selector.node"), "spec.selector.node",
                    "a node-level profile covers every GPU of the node; remove the other selector fields");
    }
  }

  void parse_gpus(const YAML::Node& value, const std::string& key) {
    auto& selector = profile_.selector;
    if (value.IsScalar()) {
      if (value.Scalar() != "all") walker_.error(value, key, "expected all or a list of GPU indices / UUIDs");
      return;
    }
    if (!value.IsSequence() || value.size() == 0) {
      walker_.error(value, key, "expected all or a non-empty list of GPU indices / UUIDs");
      return;
    }
    selector.all_gpus = false;
    for (const auto& item : value) {
      auto text = walker_.scalar(item, key);
      if (!text) continue;
      if (auto index = text::to_u64(*text); index && *index < 1024) {
        selector.gpu_indices.push_back(static_cast<unsigned>(*index));
      } else if (text->starts_with("GPU-") || text->starts_with("MIG-")) {
        selector.gpu_uuids.push_back(*text);
      } else {
        walker_.error(item, key, "'" + *text + "' is neither a GPU index (0-1023) nor a UUID (GPU-… or MIG-…)");
      }
    }
  }

  void parse_when(const YAML::Node& node) {
    if (node.IsNull()) return;  // `when:` with nothing: always
    if (!node.IsSequence()) {
      walker_.error(node, "spec.when", "expected a list of conditions (- signal: gpu.utilization ...)");
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      std::string key = "spec.when[" + std::to_string(i) + "]";
      remember(key, yaml_line(node[i]));
      if (auto condition = parse_condition(walker_, node[i], key)) profile_.when.push_back(*condition);
    }
  }

  std::optional<ClockRange> clock_range(const YAML::Node& node, const std::string& prefix) {
    std::optional<std::int64_t> min, max;
    walker_.for_each_entry(node, prefix, [&](const std::string& name, const std::string& key,
                                             const YAML::Node& value, int line) {
      if (name == "min_mhz") min = walker_.integer(value, key, 1, kMaxMegahertz);
      else if (name == "max_mhz") max = walker_.integer(value, key, 1, kMaxMegahertz);
      else walker_.unknown(line, key, "min_mhz, max_mhz");
    });
    if (!node.IsMap()) return std::nullopt;
    if (!min) walker_.error(node, prefix + ".min_mhz", "missing or invalid (a clock in MHz)");
    if (!max) walker_.error(node, prefix + ".max_mhz", "missing or invalid (a clock in MHz)");
    if (!min || !max) return std::nullopt;
    if (*min > *max) {
      walker_.error(node, prefix, "min_mhz " + std::to_string(*min) + " is above max_mhz " + std::to_string(*max));
      return std::nullopt;
    }
    return ClockRange{static_cast<unsigned>(*min), static_cast<unsigned>(*max)};
  }

  std::optional<ApplicationClocks> application_clocks(const YAML::Node& node, const std::string& prefix) {
    std::optional<std::int64_t> memory, graphics;
    walker_.for_each_entry(node, prefix, [&](const std::string& name, const std::string& key,
                                             const YAML::Node& value, int line) {
      if (name == "memory_mhz") memory = walker_.integer(value, key, 1, kMaxMegahertz);
      else if (name == "graphics_mhz") graphics = walker_.integer(value, key, 1, kMaxMegahertz);
      else walker_.unknown(line, key, "memory_mhz, graphics_mhz");
    });
    if (!node.IsMap()) return std::nullopt;
    if (!memory) walker_.error(node, prefix + ".memory_mhz", "missing or invalid (a clock in MHz)");
    if (!graphics) walker_.error(node, prefix + ".graphics_mhz", "missing or invalid (a clock in MHz)");
    if (!memory || !graphics) return std::nullopt;
    return ApplicationClocks{static_cast<unsigned>(*memory), static_cast<unsigned>(*graphics)};
  }

  std::optional<PowerBudget> power_budget(const YAML::Node& node, const std::string& prefix) {
    PowerBudget budget;
    bool envelope = false;
    std::size_t before = walker_.error_count();
    walker_.for_each_entry(node, prefix, [&](const std::string& name, const std::string& key,
                                             const YAML::Node& value, int line) {
      remember(key, line);
      if (name == "envelope_watts") {
        envelope = true;
        if (value.IsScalar() && value.Scalar() == "envelope") return;  // power.node_envelope_watts
        budget.envelope_watts = watts(value, key, true);
      } else if (name == "min_watts_per_gpu") {
        if (auto min = watts(value, key, true)) budget.min_watts_per_gpu = *min;
      } else {
        walker_.unknown(line, key, "envelope_watts, min_watts_per_gpu");
      }
    });
    if (!node.IsMap()) return std::nullopt;
    if (!envelope) walker_.error(node, prefix + ".envelope_watts", "missing required field (watts, or envelope for power.node_envelope_watts)");
    if (budget.envelope_watts && budget.min_watts_per_gpu > *budget.envelope_watts) {
      walker_.error(profile_.line_of(prefix + ".min_watts_per_gpu"), prefix + ".min_watts_per_gpu", "is above envelope_watts");
    }
    if (walker_.error_count() != before) return std::nullopt;
    return budget;
  }

  void parse_then(const YAML::Node& node) {
    auto& then = profile_.then;
    bool any = false;
    walker_.for_each_entry(node, "spec.then", [&](const std::string& name, const std::string& key,
                                                   const YAML::Node& value, int line) {
      remember(key, line);
      any = true;
      if (name == "power_limit") {
        auto text = walker_.scalar(value, key);
        if (!text) return;
        if (text->ends_with('%')) {
          auto percent = parse_percent(*text);
          if (const auto* why = std::get_if<std::string>(&percent)) walker_.error(value, key, *why);
          else then.power_limit = PowerLimit{std::nullopt, std::get<double>(percent)};
        } else if (auto limit = watts(value, key, false)) {
          then.power_limit = PowerLimit{*limit, std::nullopt};
        }
      } else if (name == "locked_clocks") {
        then.locked_clocks = clock_range(value, key);
      } else if (name == "memory_locked_clocks") {
        then.memory_locked_clocks = clock_range(value, key);
      } else if (name == "application_clocks") {
        then.application_clocks = application_clocks(value, key);
      } else if (name == "power_budget") {
        then.power_budget = power_budget(value, key);
      } else {
        walker_.unknown(line, key, "power_limit, locked_clocks, memory_locked_clocks, application_clocks, power_budget");
      }
    });
    if (node.IsMap() && !any) walker_.error(node, "spec.then", "no action (power_limit, locked_clocks, memory_locked_clocks, application_clocks or power_budget)");
  }

  // Rules across spec fields, checked once each field has been read.
  void check_spec_consistency() {
    const auto& then = profile_.then;
    bool node_level = profile_.selector.node;
    bool has_budget = profile_.key_lines.count("spec.then.power_budget") > 0;
    bool has_power = has_budget || profile_.key_lines.count("spec.then.power_limit") > 0;
    auto at = [&](const char* key) { return profile_.line_of(key); };
    if (has_budget && !node_level) {
      walker_.error(at("spec.then.power_budget"), "spec.then.power_budget", "a node power budget needs selector.node: true");
    }
    if (node_level && (then.power_limit || then.locked_clocks || then.memory_locked_clocks || then.application_clocks)) {
      walker_.error(at("spec.selector.node"), "spec.selector.node", "a node-level profile takes only power_budget; per-GPU actions need a GPU selector");
    }
    if (has_budget && profile_.key_lines.count("spec.then.power_limit")) {
      walker_.error(at("spec.then.power_limit"), "spec.then.power_limit", "power_limit and power_budget both set the power limit; use one");
    }
    if (profile_.step_watts && !has_power) {
      walker_.error(at("spec.step_watts"), "spec.step_watts", "only applies to power_limit or power_budget");
    }
    if (profile_.floor_watts && !has_power) {
      walker_.error(at("spec.floor_watts"), "spec.floor_watts", "only applies to power_limit or power_budget");
    }
  }

  ProfileYamlWalker& walker_;
  EfficiencyProfile& profile_;
};

}  // namespace

ProfileParseResult parse_profile(std::string_view yaml, const std::string& file) {
  ProfileParseResult result;
  ProfileYamlWalker walker(file, result.errors);
  std::vector<YAML::Node> documents;
  try {
    documents = load_all_documents(std::string(yaml));
  } catch (const YAML::Exception& error) {
    walker.error(error.mark.line >= 0 ? error.mark.line + 1 : 0, "", "invalid YAML: " + error.msg);
    return result;
  }
  for (const auto& root : documents) {
    // `---` at the end of a file, or between two separators, is no profile.
    if (root.IsNull()) continue;
    ++result.documents;
    EfficiencyProfile profile;
    profile.file = file;
    profile.line = yaml_line(root);
    std::size_t before = walker.error_count();
    try {
      DocumentParser(walker, profile).parse(root);
    } catch (const YAML::Exception& error) {
      // A conversion yaml-cpp refused deep inside a node.
      walker.error(error.mark.line >= 0 ? error.mark.line + 1 : 0, "", error.msg);
    }
    if (walker.error_count() == before) result.profiles.push_back(std::move(profile));
  }
  return result;
}

}  // namespace ainode
