#!/usr/bin/env bash
# The web config (--web.config.file, exporter-toolkit's web-config.yml) end
# to end, with certificates made here by the openssl CLI: a real Prometheus
# scrapes the agent over HTTPS with basic auth, and another agent with a
# client certificate (RequireAndVerifyClientCert), up == 1 through PromQL;
# a wrong password gets 401; no client certificate fails the handshake;
# expired and mismatched certificates stop start-up (exit 2) naming the key
# and line; a certificate rotated on disk is served without a restart; a
# bad web config at reload keeps the previous one and says so.
source "$(dirname "$0")/lib.sh"
command -v prometheus >/dev/null || fail "prometheus not installed (make deps)"
command -v openssl >/dev/null || fail "openssl not installed (make deps)"

TLS="$WORK_DIR/tls"
mkdir -p "$TLS"
quiet() { "$@" >>"$WORK_DIR/openssl.log" 2>&1 || { cat "$WORK_DIR/openssl.log" >&2; fail "$*"; }; }
new_key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TLS/$1.key"; }
# sign NAME SUBJECT SERIAL DAYS EXTENSIONS: a certificate for NAME.key signed by the test CA.
sign() {
  quiet openssl req -new -key "$TLS/$1.key" -subj "$2" -out "$TLS/$1.csr"
  printf '%s\n' "$5" >"$TLS/$1.ext"
  quiet openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -set_serial "$3" -days "$4" \
    -extfile "$TLS/$1.ext" -out "$TLS/$1.crt"
}
new_key ca
quiet openssl req -x509 -new -key "$TLS/ca.key" -subj "/CN=ainode test CA" -days 2 -out "$TLS/ca.crt"
server_ext="subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
new_key server
sign server "/CN=localhost" 1001 2 "$server_ext"
new_key rotated
sign rotated "/CN=localhost" 2002 2 "$server_ext"
cp "$TLS/server.key" "$TLS/expired.key"
sign expired "/CN=localhost" 3003 -1 "$server_ext"  # expired yesterday, for server.key
new_key other                                          # matches no certificate
new_key client
sign client "/CN=prometheus/O=ainode-e2e" 4004 2 "extendedKeyUsage=clientAuth"
# A client certificate from a CA the agent does not trust.
new_key rogue
quiet openssl req -x509 -new -key "$TLS/rogue.key" -subj "/CN=rogue CA" -days 2 -out "$TLS/rogue-ca.crt"
quiet openssl req -new -key "$TLS/client.key" -subj "/CN=intruder" -out "$TLS/intruder.csr"
quiet openssl x509 -req -in "$TLS/intruder.csr" -CA "$TLS/rogue-ca.crt" -CAkey "$TLS/rogue.key" -set_serial 5005 \
  -days 2 -out "$TLS/intruder.crt"

password_hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("secret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))')
case "$password_hash" in '$2b$10$'*) ;; *) fail "python3 crypt made no bcrypt hash: $password_hash" ;; esac

# start_tls_agent NAME WEB_CONFIG: ainode on a free port with the fixture
# tree; sets AGENT_PORT and waits until it answers over TLS.
start_tls_agent() {
  local name=$1 config=$2
  AGENT_PORT=$(free_port)
  # shellcheck disable=SC2046
  "$AINODE_BINARY" --web.listen-address "127.0.0.1:$AGENT_PORT" --web.config.file "$config" \
    --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" \
    --kubelet.pod-resources-socket "$FIXTURES/rootfs/var/lib/kubelet/pod-resources/kubelet.sock" \
    --collect.interval 1s $(no_gpu_flag) >"$WORK_DIR/$name.log" 2>&1 &
  BACKGROUND_PIDS+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$AGENT_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$WORK_DIR/$name.log" >&2
  fail "agent $name did not listen"
}

# --- 1. HTTPS with basic auth -------------------------------------------------
cat >"$WORK_DIR/basic.yml" <<YAML
tls_server_config:
  cert_file: tls/server.crt   # relative to this file, as in exporter-toolkit
  key_file: tls/server.key
http_server_config:
  headers:
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: $password_hash
YAML
start_tls_agent basic "$WORK_DIR/basic.yml"
basic_port=$AGENT_PORT
BASIC="https://127.0.0.1:$basic_port"
https() { curl -sS --cacert "$TLS/ca.crt" -o "$WORK_DIR/body" -D "$WORK_DIR/headers" -w '%{http_code}' "$@"; }
status=""
for _ in $(seq 1 50); do
  status=$(https -u prometheus:secret "$BASIC/readyz" 2>/dev/null || true)
  [ "$status" = 200 ] && break
  sleep 0.2
done
[ "$status" = 200 ] || { cat "$WORK_DIR/basic.log" >&2; fail "HTTPS + basic auth /readyz: $status"; }
grep -qi '^Strict-Transport-Security: max-age=31536000' "$WORK_DIR/headers" || fail "configured header missing"
status=$(https -u prometheus:wrong "$BASIC/metrics")
[ "$status" = 401 ] || fail "wrong password got $status, not 401"
grep -qi '^WWW-Authenticate: Basic' "$WORK_DIR/headers" || fail "401 without WWW-Authenticate: Basic"
status=$(https "$BASIC/metrics")
[ "$status" = 401 ] || fail "no credentials got $status, not 401"
# Plain HTTP on the TLS port is no way around it.
if curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$basic_port/metrics" 2>/dev/null; then
  fail "plain HTTP answered on the TLS port"
fi
echo "HTTPS + basic auth: right password 200, wrong 401, none 401, headers set"
# OpenSSL is opened at run time, only for TLS or basic auth (issue 15): the
# TLS agent maps libssl, one without a web config does not.
basic_pid=${BACKGROUND_PIDS[-1]}
grep -q 'libssl\.so' "/proc/$basic_pid/maps" || fail "the TLS agent has no libssl mapped"
start_agent plain --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" $(no_gpu_flag)
if grep -q 'libssl\.so\|libcrypto\.so' "/proc/${BACKGROUND_PIDS[-1]}/maps"; then
  fail "an agent without TLS or basic auth mapped OpenSSL"
fi
echo "OpenSSL is mapped by the TLS agent only"

# --- 2. client certificates (RequireAndVerifyClientCert) ----------------------
cat >"$WORK_DIR/mtls.yml" <<YAML
tls_server_config:
  cert_file: $TLS/server.crt
  key_file: $TLS/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $TLS/ca.crt
  min_version: TLS12
YAML
start_tls_agent mtls "$WORK_DIR/mtls.yml"
mtls_port=$AGENT_PORT
MTLS="https://127.0.0.1:$mtls_port"
status=""
for _ in $(seq 1 50); do
  status=$(https --cert "$TLS/client.crt" --key "$TLS/client.key" "$MTLS/readyz" 2>/dev/null || true)
  [ "$status" = 200 ] && break
  sleep 0.2
done
[ "$status" = 200 ] || { cat "$WORK_DIR/mtls.log" >&2; fail "mTLS /readyz with a client certificate: $status"; }
if https "$MTLS/metrics" >/dev/null 2>"$WORK_DIR/no-cert.err"; then fail "no client certificate was served"; fi
# A certificate signed by another CA is refused as well.
if https --cert "$TLS/intruder.crt" --key "$TLS/client.key" "$MTLS/metrics" >/dev/null 2>&1; then
  fail "a certificate not issued by client_ca_file was accepted"
fi
echo "mTLS: client certificate 200, none refused at the handshake ($(head -c 120 "$WORK_DIR/no-cert.err"))"
# The verified certificate is the control API's identity for its caller.
[ "$(https --cert "$TLS/client.crt" --key "$TLS/client.key" "$MTLS/v1/control/whoami")" = 200 ] ||
  fail "whoami over mTLS"
grep -q '"method": "client_certificate"' "$WORK_DIR/body" || { cat "$WORK_DIR/body"; fail "mTLS identity not seen by the control API"; }
# The refused handshakes are counted (from the next snapshot on).
counted=""
for _ in $(seq 1 30); do
  https --cert "$TLS/client.crt" --key "$TLS/client.key" "$MTLS/metrics" >/dev/null 2>&1 || true
  counted=$(grep -E '^ainode_http_tls_handshake_errors_total [2-9]' "$WORK_DIR/body" || true)
  [ -n "$counted" ] && break
  sleep 0.2
done
[ -n "$counted" ] || fail "refused TLS handshakes are not counted in ainode_http_tls_handshake_errors_total"

# --- 3. a real Prometheus scrapes both ----------------------------------------
cat >"$WORK_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: basic
    scheme: https
    tls_config:
      ca_file: $TLS/ca.crt
    basic_auth:
      username: prometheus
      password: secret
    static_configs:
      - targets: ['127.0.0.1:$basic_port']
  - job_name: mtls
    scheme: https
    tls_config:
      ca_file: $TLS/ca.crt
      cert_file: $TLS/client.crt
      key_file: $TLS/client.key
    static_configs:
      - targets: ['127.0.0.1:$mtls_port']
YAML
start_prometheus
for job in basic mtls; do
  value=""
  for _ in $(seq 1 60); do
    value=$(prom_query "up{job=\"$job\"} and on() ainode_memory_total_bytes{job=\"$job\"} > 0")
    [ "$value" = 1 ] && break
    sleep 0.5
  done
  if [ "$value" != 1 ]; then
    curl -fsS "$PROM/api/v1/targets" >&2 || true
    fail "Prometheus job $job: up is '$value'"
  fi
  echo "Prometheus scraped the $job agent over HTTPS: up == 1"
done

# --- 4. certificates that cannot be used stop start-up ------------------------
expect_start_error() {
  local name=$1 pattern=$2
  local code=0
  "$AINODE_BINARY" --web.listen-address "127.0.0.1:$(free_port)" --web.config.file "$WORK_DIR/$name.yml" \
    --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" >"$WORK_DIR/$name.log" 2>&1 || code=$?
  [ "$code" = 2 ] || { cat "$WORK_DIR/$name.log" >&2; fail "$name: exit $code, not 2"; }
  grep -q -- "$pattern" "$WORK_DIR/$name.log" || { cat "$WORK_DIR/$name.log" >&2; fail "$name: no '$pattern'"; }
  echo "$name: exit 2: $(grep -m1 -o -- "$name.yml:.*" "$WORK_DIR/$name.log" | head -c 200)"
}
printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$TLS/expired.crt" "$TLS/server.key" >"$WORK_DIR/expired.yml"
expect_start_error expired "expired.yml:2: tls_server_config.cert_file: certificate '$TLS/expired.crt' has expired"
printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$TLS/server.crt" "$TLS/other.key" >"$WORK_DIR/mismatched.yml"
expect_start_error mismatched "mismatched.yml:3: tls_server_config.key_file: key '$TLS/other.key' does not match"
printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$TLS/missing.crt" "$TLS/server.key" >"$WORK_DIR/missing.yml"
expect_start_error missing "missing.yml:2: tls_server_config.cert_file: cannot read"
printf 'basic_auth_users:\n  prometheus: secret\n' >"$WORK_DIR/plaintext.yml"
expect_start_error plaintext "plaintext.yml:2: basic_auth_users.prometheus: not a bcrypt hash"

# --- 5. rotation on disk, without a restart -----------------------------------
serial_served() {
  openssl s_client -connect "127.0.0.1:$basic_port" -servername localhost </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null
}
[ "$(serial_served)" = "serial=03E9" ] || fail "expected serial 1001 (03E9) before rotation, got '$(serial_served)'"
# An expired certificate rotated in is refused; the old one stays.
cp "$TLS/expired.crt" "$TLS/server.crt.new" && mv "$TLS/server.crt.new" "$TLS/server.crt"
sleep 2.5
[ "$(serial_served)" = "serial=03E9" ] || fail "an expired rotation replaced the served certificate"
status_json=$(curl -sS --cacert "$TLS/ca.crt" -u prometheus:secret "$BASIC/v1/status")
grep -q '"certificate_error": ".*has expired' <<<"$status_json" || fail "/v1/status does not report the refused rotation"
# cert-manager style: the new pair renamed into place.
cp "$TLS/rotated.key" "$TLS/server.key.new" && mv "$TLS/server.key.new" "$TLS/server.key"
cp "$TLS/rotated.crt" "$TLS/server.crt.new" && mv "$TLS/server.crt.new" "$TLS/server.crt"
served=""
for _ in $(seq 1 30); do
  served=$(serial_served)
  [ "$served" = "serial=07D2" ] && break
  sleep 0.2
done
[ "$served" = "serial=07D2" ] || { cat "$WORK_DIR/basic.log" >&2; fail "rotated certificate not served: '$served'"; }
status=$(https -u prometheus:secret "$BASIC/healthz")
[ "$status" = 200 ] || fail "after rotation: $status"
echo "rotation: expired replacement refused and reported, new certificate (serial 2002) served without restart"

# --- 6. a bad web config at reload keeps the previous one ---------------------
sed 's/^basic_auth_users:/basic_auth_userz:/' "$WORK_DIR/basic.yml" >"$WORK_DIR/basic.yml.new"
mv "$WORK_DIR/basic.yml.new" "$WORK_DIR/basic.yml"
reported=""
for _ in $(seq 1 40); do
  reported=$(curl -sS --cacert "$TLS/ca.crt" -u prometheus:secret "$BASIC/metrics" | grep '^ainode_web_config_reload_success ' || true)
  [ "$reported" = "ainode_web_config_reload_success 0" ] && break
  sleep 0.25
done
[ "$reported" = "ainode_web_config_reload_success 0" ] || fail "bad reload not reported in /metrics: '$reported'"
status_json=$(curl -sS --cacert "$TLS/ca.crt" -u prometheus:secret "$BASIC/v1/status")
grep -q '"last_reload_error": ".*basic.yml:7: basic_auth_userz: unknown key"' <<<"$status_json" ||
  fail "/v1/status lacks the reload error: $(grep -o '"web".*' <<<"$status_json" | head -c 300)"
[ "$(https "$BASIC/metrics")" = 401 ] || fail "the previous config (basic auth) is no longer in force"
grep -q "web config not applied, keeping the previous one" "$WORK_DIR/basic.log" || fail "bad reload not logged"
echo "bad reload: previous config kept, ainode_web_config_reload_success 0, reason in /v1/status and the log"

# --- 7. SIGHUP re-reads the web config too -------------------------------------
before=$(grep -c "web config not applied" "$WORK_DIR/basic.log")
kill -HUP "${BACKGROUND_PIDS[0]}"
for _ in $(seq 1 40); do
  [ "$(grep -c "web config not applied" "$WORK_DIR/basic.log")" -gt "$before" ] && break
  sleep 0.1
done
[ "$(grep -c "web config not applied" "$WORK_DIR/basic.log")" -gt "$before" ] || fail "SIGHUP did not re-read the web config"
# A good file and SIGHUP: applied (by the reload or the file watcher,
# whichever comes first), and basic auth is gone with it.
printf 'tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n' >"$WORK_DIR/basic.yml.new"
mv "$WORK_DIR/basic.yml.new" "$WORK_DIR/basic.yml"
kill -HUP "${BACKGROUND_PIDS[0]}"
status=""
for _ in $(seq 1 40); do
  status=$(https "$BASIC/healthz")
  [ "$status" = 200 ] && break
  sleep 0.1
done
[ "$status" = 200 ] || fail "the good web config was not applied: $status"
echo "SIGHUP: web config re-read (bad one refused again, good one applied)"
