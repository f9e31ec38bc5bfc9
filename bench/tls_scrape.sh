#!/usr/bin/env bash
# Scrape throughput over TLS (with basic auth, keep-alive) against ainode in
# plain HTTP, and against node_exporter with the same web-config.yml, as
# ratios; plus TLS without keep-alive (a full handshake per scrape). Prints a
# Markdown section for bench/RESULTS.md. BENCH_WRK_SECONDS (default 10) per
# run; wrk -t1 -c16 on loopback, both servers on this host's real /proc and /sys.
set -euo pipefail
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
AINODE=${AINODE_BINARY:-$SOURCE_DIR/build/ainode}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
for tool in wrk openssl prometheus-node-exporter curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (make deps)" >&2; exit 1; }
done
[ -x "$AINODE" ] || { echo "build ainode first ($AINODE)" >&2; exit 1; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A throwaway CA and server certificate (P-256, what cert-manager issues by default).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/ca.key" 2>/dev/null
openssl req -x509 -new -key "$TMP/ca.key" -subj "/CN=bench CA" -days 1 -out "$TMP/ca.crt" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/server.key" 2>/dev/null
openssl req -new -key "$TMP/server.key" -subj "/CN=localhost" -out "$TMP/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$TMP/ext"
openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.crt" -CAkey "$TMP/ca.key" -set_serial 1 -days 1 \
  -extfile "$TMP/ext" -out "$TMP/server.crt" 2>/dev/null
hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("secret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))')
cat >"$TMP/web.yml" <<YAML
tls_server_config:
  cert_file: $TMP/server.crt
  key_file: $TMP/server.key
basic_auth_users:
  prometheus: $hash
YAML
auth="Authorization: Basic $(printf 'prometheus:secret' | base64)"

wait_up() {  # URL CURL_ARGS...
  local url=$1
  shift
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$url did not come up" >&2
  exit 1
}
plain_port=$(free_port)
"$AINODE" --web.listen-address "127.0.0.1:$plain_port" --log.level warn >"$TMP/plain.log" 2>&1 &
PIDS+=($!)
tls_port=$(free_port)
"$AINODE" --web.listen-address "127.0.0.1:$tls_port" --web.config.file "$TMP/web.yml" --log.level warn >"$TMP/tls.log" 2>&1 &
PIDS+=($!)
ne_port=$(free_port)
prometheus-node-exporter --web.listen-address "127.0.0.1:$ne_port" --web.config.file "$TMP/web.yml" >"$TMP/ne.log" 2>&1 &
PIDS+=($!)
wait_up "http://127.0.0.1:$plain_port/readyz"
wait_up "https://127.0.0.1:$tls_port/readyz" --cacert "$TMP/ca.crt" -u prometheus:secret
wait_up "https://127.0.0.1:$ne_port/metrics" --cacert "$TMP/ca.crt" -u prometheus:secret

run_wrk() {  # URL EXTRA_HEADER... -> "req/s p50 p99"
  local url=$1
  shift
  local headers=(-H "Accept-Encoding: gzip")
  for h in "$@"; do headers+=(-H "$h"); done
  wrk -t1 -c16 -d"${WRK_SECONDS}s" --latency "${headers[@]}" "$url" >"$TMP/wrk" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}' "$TMP/wrk"
}
read -r p_rps p_p50 p_p99 < <(run_wrk "http://127.0.0.1:$plain_port/metrics")
read -r t_rps t_p50 t_p99 < <(run_wrk "https://127.0.0.1:$tls_port/metrics" "$auth")
read -r c_rps c_p50 c_p99 < <(run_wrk "https://127.0.0.1:$tls_port/metrics" "$auth" "Connection: close")
read -r n_rps n_p50 n_p99 < <(run_wrk "https://127.0.0.1:$ne_port/metrics" "$auth")
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

cat <<EOF
### $(date -u +%Y-%m-%d) — TLS scrape throughput, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)

Command: \`BENCH_WRK_SECONDS=$WRK_SECONDS bash bench/tls_scrape.sh\` (ainode $("$AINODE" --version | awk '{print $2, $3}'),
node_exporter $(prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}'); wrk -t1 -c16, \`Accept-Encoding: gzip\`,
loopback; TLS 1.3 with a P-256 certificate; basic auth with a bcrypt cost-10 hash; the same web-config.yml for both).

| server | req/s | p50 / p99 | ratio |
|---|---|---|---|
| ainode, plain HTTP, keep-alive | $p_rps | $p_p50 / $p_p99 | 1 |
| ainode, TLS + basic auth, keep-alive | $t_rps | $t_p50 / $t_p99 | $(ratio "$t_rps" "$p_rps")× plain |
| ainode, TLS + basic auth, new connection per scrape | $c_rps | $c_p50 / $c_p99 | $(ratio "$c_rps" "$p_rps")× plain |
| node_exporter, TLS + basic auth, keep-alive | $n_rps | $n_p50 / $n_p99 | ainode is $(ratio "$t_rps" "$n_rps")× this |
EOF
