#!/usr/bin/env bash
# The binary's command line: --version, --help, `config show` provenance and
# start-up refusal on invalid configuration (exit 2, key + file + line named).
source "$(dirname "$0")/lib.sh"

"$AINODE_BINARY" --version | grep -qE '^ainode [0-9]+\.[0-9]+\.[0-9]+ \(' || fail "--version"
help=$("$AINODE_BINARY" --help)
for flag in --web.listen-address --web.telemetry-path --collect.interval --path.procfs --path.sysfs --path.rootfs \
  --log.level --log.format --collector.cpu --no-collector.cpu --config --web.config.file; do
  grep -q -- "$flag" <<<"$help" || fail "--help does not list $flag"
done

cat >"$WORK_DIR/ainode.toml" <<'TOML'
[web]
telemetry_path = "/from-file"

[collect]
interval = "7s"
TOML
shown=$(AINODE_COLLECT_INTERVAL=9s "$AINODE_BINARY" --config "$WORK_DIR/ainode.toml" --log.level debug config show)
grep -qF "telemetry_path = \"/from-file\"  # file ($WORK_DIR/ainode.toml:2)" <<<"$shown" || fail "file provenance: $shown"
grep -qF 'interval = "9s"  # env (AINODE_COLLECT_INTERVAL)' <<<"$shown" || fail "env provenance: $shown"
grep -qF 'level = "debug"  # flag (--log.level)' <<<"$shown" || fail "flag provenance: $shown"
grep -qF 'listen_address = "0.0.0.0:9100"  # default' <<<"$shown" || fail "default provenance: $shown"

expect_refusal() {  # expected-message, then the command
  local expected=$1
  shift
  set +e
  output=$("$@" 2>&1)
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "expected exit 2, got $code for: $*"
  grep -qF -- "$expected" <<<"$output" || fail "expected '$expected' in: $output"
}
printf '[collect]\ninterval = "5s"\nintervall = "5s"\n' >"$WORK_DIR/typo.toml"
expect_refusal "typo.toml:3: unknown key 'collect.intervall'" "$AINODE_BINARY" --config "$WORK_DIR/typo.toml" config show
printf '[web]\nmax_connections = "many"\n' >"$WORK_DIR/type.toml"
expect_refusal "type.toml:2: web.max_connections: expected an integer" "$AINODE_BINARY" --config "$WORK_DIR/type.toml"
expect_refusal "flag --collect.interval: duration 1ms out of range" "$AINODE_BINARY" --collect.interval 1ms
expect_refusal "AINODE_LOG_FORMAT" env AINODE_LOG_FORMAT=xml "$AINODE_BINARY"
expect_refusal "configuration file not found" "$AINODE_BINARY" --config "$WORK_DIR/missing.toml"
# An unknown flag is a configuration error like any other: exit 2 (CLI11 alone exits 109).
expect_refusal "--no-such-flag" "$AINODE_BINARY" --no-such-flag
# Bare 0 is the value --help offers for these two.
"$AINODE_BINARY" --gpu.slow-read-interval 0 --collect.timeout 0 config show >"$WORK_DIR/zero.out" 2>&1 ||
  fail "bare 0 durations refused: $(cat "$WORK_DIR/zero.out")"
grep -qF 'slow_read_interval = "0s"  # flag (--gpu.slow-read-interval)' "$WORK_DIR/zero.out" || fail "0 not shown as 0s"
# A telemetry path that a built-in route would shadow is refused, naming the flag.
for path in / /healthz /readyz /status /v1/status /v1/future; do
  expect_refusal "flag --web.telemetry-path: path '$path' is a built-in route" \
    "$AINODE_BINARY" --web.telemetry-path "$path" config show
done
# A root that does not exist stops start-up, naming the flag or variable.
expect_refusal "flag --path.procfs: '/nonexistent/proc': does not exist" "$AINODE_BINARY" --path.procfs /nonexistent/proc
expect_refusal "environment variable AINODE_PATH_SYSFS (path.sysfs): '/nonexistent/sys'" \
  env AINODE_PATH_SYSFS=/nonexistent/sys "$AINODE_BINARY"

# config show prints exactly the collectors that will run.
shown=$("$AINODE_BINARY" --collect.disable-defaults --collector.gpu config show)
grep -qxF 'cpu = false  # default (collect.disable_defaults)' <<<"$shown" || fail "disable-defaults cpu: $shown"
grep -qxF 'bmc = false  # default (off unless enabled)' <<<"$shown" || fail "disable-defaults bmc: $shown"
grep -qxF 'gpu = true  # flag (--collector.gpu)' <<<"$shown" || fail "disable-defaults gpu: $shown"
shown=$("$AINODE_BINARY" config show)
grep -qxF 'bmc = false  # default (off unless enabled)' <<<"$shown" || fail "plain bmc: $shown"
grep -qxF 'cpu = true  # default' <<<"$shown" || fail "plain cpu: $shown"
shown=$("$AINODE_BINARY" --no-collector.cpu config show)
grep -qxF 'cpu = false  # flag (--no-collector.cpu)' <<<"$shown" || fail "--no-collector.cpu: $shown"

# --help: switches without CLI11's "{false}", every setting with its default and its kind or unit.
grep -qF '{false}' <<<"$help" && fail "--help still prints {false}"
grep -qE -- '--collector.cpu, --no-collector.cpu +Enable the cpu collector. \[default: on\]' <<<"$help" ||
  fail "--help collector switch: $(grep -F -- '--collector.cpu' <<<"$help")"
grep -qF -- '--no-collector.bmc' <<<"$help" && ! grep -qE 'bmc collector. \[default: off\]' <<<"$help" &&
  fail "--help bmc default: $(grep -F -- 'collector.bmc' <<<"$help")"
grep -qE -- '--collect.interval DURATION +Time between collection cycles. \[default: 5s\]' <<<"$help" ||
  fail "--help duration: $(grep -F -- '--collect.interval' <<<"$help")"
grep -qE -- '--web.max-request-bytes BYTES .*\[default: 8192\]' <<<"$help" ||
  fail "--help bytes: $(grep -F -- '--web.max-request-bytes' <<<"$help")"
grep -qF -- '--disk.device-exclude STRING                      Regex of block devices to ignore. [default: ^(z?ram|loop|fd|(h|s|v|xv)d[a-z]+|nvme\d+n\d+p|mmcblk\d+p)\d+$]' <<<"$help" ||
  fail "--help regex default: $(grep -F -- '--disk.device-exclude' <<<"$help")"
grep -qF -- 'Log level. One of: trace, debug, info, warn, error, off. [default: info]' <<<"$help" ||
  fail "--help choices: $(grep -F -- '--log.level' <<<"$help")"
grep -qE -- '--web.telemetry-path STRING .*\[default: /metrics\]' <<<"$help" ||
  fail "--help string: $(grep -F -- '--web.telemetry-path' <<<"$help")"
# The web config (node_exporter's spelling --web.config.file; web.config_file
# in TOML): a bad one stops start-up with its own file, line and key.
printf 'tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: Sometimes\n' >"$WORK_DIR/web.yml"
expect_refusal "web.yml:4: tls_server_config.client_auth_type: invalid value 'Sometimes'" \
  "$AINODE_BINARY" --web.listen-address 127.0.0.1:0 --path.procfs "$FIXTURES/proc" --web.config.file "$WORK_DIR/web.yml"
printf '[web]\nconfig_file = "%s"\n' "$WORK_DIR/web.yml" >"$WORK_DIR/web.toml"
grep -qF "config_file = \"$WORK_DIR/web.yml\"  # file ($WORK_DIR/web.toml:2)" \
  <<<"$("$AINODE_BINARY" --config "$WORK_DIR/web.toml" config show)" || fail "web.config_file from TOML"
expect_refusal "web.yml:4: tls_server_config.client_auth_type" \
  "$AINODE_BINARY" --config "$WORK_DIR/web.toml" --web.listen-address 127.0.0.1:0 --path.procfs "$FIXTURES/proc"
echo "command line and configuration checks passed"
