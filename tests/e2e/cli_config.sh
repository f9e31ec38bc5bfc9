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
