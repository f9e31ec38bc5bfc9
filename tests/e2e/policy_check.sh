#!/usr/bin/env bash
# `ainode policy check` on the committed profile files in
# tests/fixtures/policies: the exact lines printed (FILE: ok (N profiles),
# or FILE:LINE: KEY: message) and the exit codes (0 valid, 1 invalid,
# 2 usage).
source "$(dirname "$0")/lib.sh"
cd "$FIXTURES/policies"

# expect CODE EXPECTED-OUTPUT ARGS...: runs `ainode policy check ARGS...` and
# compares its exit code and its whole output (stdout and stderr) exactly.
expect() {
  local code=$1 expected=$2
  shift 2
  set +e
  output=$("$AINODE_BINARY" policy check "$@" 2>&1)
  actual=$?
  set -e
  [ "$actual" -eq "$code" ] || fail "policy check $*: exit $actual, expected $code; output:"$'\n'"$output"
  [ "$output" == "$expected" ] || fail "policy check $*: output differs:"$'\n'"$(diff <(echo "$expected") <(echo "$output"))"
}

expect 0 "good/max-250w-when-light.yaml: ok (1 profile)" good/max-250w-when-light.yaml
expect 0 "good/fleet.yaml: ok (3 profiles)
good/max-250w-when-light.yaml: ok (1 profile)" good/fleet.yaml good/max-250w-when-light.yaml

expect 1 "bad/units.yaml:11: spec.when[0].avg_below: gpu.utilization is a ratio from 0 to 1 (write 0.5 for 50%), got 50
bad/units.yaml:12: spec.for: invalid duration '60' (write it like 30s, 5m, 1h30m)
bad/units.yaml:14: spec.then.power_limit: no space between the number and W: write 250W" bad/units.yaml

expect 1 "bad/unknown-and-missing.yaml:4: metadata.name: 'Not_A_Label' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63)
bad/unknown-and-missing.yaml:5: spec.selector: missing required field (selector: {gpus: all} for every GPU)
bad/unknown-and-missing.yaml:6: spec.mode: invalid mode 'always' (expected off, dry_run or enforce)
bad/unknown-and-missing.yaml:7: spec.selektor: unknown field (expected one of: mode, priority, selector, when, for, cooldown, max_changes_per_hour, step_watts, floor_watts, then)
bad/unknown-and-missing.yaml:11: spec.then.fan_speed: unknown field (expected one of: power_limit, locked_clocks, memory_locked_clocks, application_clocks, power_budget)" \
  bad/unknown-and-missing.yaml

expect 1 "bad/contradictory.yaml:25: spec.when[0].avg_above: contradicts avg_below: no value is above 85 and below 80
bad/contradictory.yaml:41: spec.then.power_limit: contradicts profile 'cap-300' (bad/contradictory.yaml:12): both enforce the power limit on the same GPUs at priority 0; give one a higher priority or disjoint selectors" \
  bad/contradictory.yaml

expect 1 "bad/not-yaml.yaml:4: invalid YAML: end of map flow not found" bad/not-yaml.yaml

# Valid alone, a duplicate next to the canonical profile; the good file stays ok.
expect 0 "bad/duplicate-name.yaml: ok (1 profile)" bad/duplicate-name.yaml
expect 1 "good/max-250w-when-light.yaml: ok (1 profile)
bad/duplicate-name.yaml:5: metadata.name: duplicate profile name 'max-250w-when-light' (also at good/max-250w-when-light.yaml:4)" \
  good/max-250w-when-light.yaml bad/duplicate-name.yaml

# Offline device constraints: within 200-700 W the good files pass; with a
# 300 W minimum the 250 W cap and the 200 W floors do not.
expect 0 "good/fleet.yaml: ok (3 profiles)
good/max-250w-when-light.yaml: ok (1 profile)" --gpus 8 --min-watts 200 --max-watts 700 --default-watts 700 good/*.yaml
expect 1 "good/fleet.yaml:61: spec.floor_watts: floor_watts 200W is outside GPU 0's power limit range 300W-700W
good/fleet.yaml:65: spec.then.power_budget.min_watts_per_gpu: min_watts_per_gpu 200W is outside GPU 0's power limit range 300W-700W
good/max-250w-when-light.yaml:16: spec.then.power_limit: power_limit 250W is outside GPU 0's power limit range 300W-700W" \
  --gpus 8 --min-watts 300 --max-watts 700 good/*.yaml
# 60% of a 400 W default is 240 W, below the 300 W minimum.
expect 1 "good/fleet.yaml:22: spec.then.power_limit: power_limit (of the default) 240W is outside GPU 0's power limit range 300W-700W
good/fleet.yaml:61: spec.floor_watts: floor_watts 200W is outside GPU 0's power limit range 300W-700W
good/fleet.yaml:65: spec.then.power_budget.min_watts_per_gpu: min_watts_per_gpu 200W is outside GPU 0's power limit range 300W-700W" \
  --gpus 8 --min-watts 300 --max-watts 700 --default-watts 400 good/fleet.yaml

# Usage errors exit 2.
expect 2 "ainode policy check: --gpus, --min-watts and --max-watts go together" --gpus 2 good/fleet.yaml
expect 2 "ainode policy check: --min-watts is above --max-watts" --gpus 2 --min-watts 700 --max-watts 100 good/fleet.yaml
expect 2 "ainode policy check: missing.yaml: cannot read: No such file or directory" missing.yaml
set +e
"$AINODE_BINARY" policy check >/dev/null 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || fail "policy check without files: exit $code, expected 2"
echo "policy check: all cases pass"
