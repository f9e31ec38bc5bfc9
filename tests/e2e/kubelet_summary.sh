#!/usr/bin/env bash
# Ephemeral storage from the kubelet's /stats/summary over real HTTPS: a
# test kubelet (Python's ssl server, with a CA and a serving certificate
# made here by openssl) that checks the bearer token. The agent verifies the
# server against the CA, sends the token from the token file, and exports
# pod and node ephemeral storage; then the token is rotated to a wrong one
# (401 counted), the kubelet becomes slow (timeout counted), answers garbage
# (parse error counted), and the CA is wrong (tls counted) — each said in
# /v1/status while every other collector goes on.
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "openssl missing: run make deps"

cd "$WORK_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=test kubelet CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other-ca.pem -days 2 -subj "/CN=another CA" 2>/dev/null
echo "secret-token" >token
echo ok >mode

port=$(free_port)
python3 - "$port" "$FIXTURES/kubelet/summary.json" <<'PY' >kubelet.log 2>&1 &
import http.server, ssl, sys, time
port, summary = int(sys.argv[1]), open(sys.argv[2], "rb").read()
class Kubelet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        mode = open("mode").read().strip()
        if self.headers.get("Authorization") != "Bearer secret-token":
            self.send_response(401); self.end_headers(); self.wfile.write(b"Unauthorized"); return
        if mode == "slow":
            time.sleep(3)
        body = summary if mode != "garbage" else b"<html>this is not the Summary API</html>"
        self.send_response(200 if self.path == "/stats/summary" else 404)
        self.send_header("Content-Type", "application/json"); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Kubelet)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("server.pem", "server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
BACKGROUND_PIDS+=($!)
sleep 1

metric() { curl -fsS "$AGENT_URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
wait_for_metric() {  # NAME VALUE: until the metric has that value (20 s, for a loaded CI machine)
  for _ in $(seq 200); do [ "$(metric "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "$1 is '$(metric "$1")', expected '$2'" >&2
  return 1
}

tree=(--path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" --path.rootfs "$FIXTURES/rootfs" $(no_gpu_flag)
  --kubelet.pod-resources-socket "$WORK_DIR/no-kubelet.sock" --collect.interval 200ms)
start_agent summary "${tree[@]}" --kubelet.url "https://127.0.0.1:$port" \
  --kubelet.ca-file "$WORK_DIR/ca.pem" --kubelet.token-file "$WORK_DIR/token" --kubelet.interval 1s \
  --kubelet.timeout 1s
wait_for_metric ainode_kubelet_summary_up 1 || fail "summary not read over HTTPS with the token"
[ "$(metric 'ainode_pod_ephemeral_storage_used_bytes{namespace="ml-team",pod="trainer-0"}')" = 21528313856 ] ||
  fail "pod ephemeral storage"
[ "$(metric ainode_node_ephemeral_storage_capacity_bytes)" = 1919413953331 ] || fail "node capacity"
[ "$(metric ainode_node_ephemeral_storage_available_bytes)" = 1319413953331 ] || fail "node available"

echo "wrong-token" >token  # the token rotates; the new one is read on the next request
wait_for_metric 'ainode_kubelet_summary_errors_total{error="http_401"}' 1 || fail "401 not counted"
status=$(curl -fsS "$AGENT_URL/v1/status")  # not piped into grep -q: with pipefail, an early exit fails curl
grep -q 'HTTP 401' <<<"$status" || fail "401 not said in /v1/status"
[ "$(metric 'ainode_pod_ephemeral_storage_used_bytes{namespace="ml-team",pod="trainer-0"}')" = 21528313856 ] ||
  fail "the last good answer should still be exported"

echo "secret-token" >token
echo slow >mode
wait_for_metric 'ainode_kubelet_summary_errors_total{error="timeout"}' 1 || fail "timeout not counted"
echo garbage >mode
wait_for_metric 'ainode_kubelet_summary_errors_total{error="parse"}' 1 || fail "garbage not counted"
[ "$(metric 'ainode_collector_success{collector="memory"}')" = 1 ] || fail "other collectors affected"
[ "$(metric 'ainode_collector_success{collector="kubelet"}')" = 1 ] || fail "kubelet collector failed its cycle"

echo ok >mode
start_agent wrong_ca "${tree[@]}" --kubelet.url "https://127.0.0.1:$port" \
  --kubelet.ca-file "$WORK_DIR/other-ca.pem" --kubelet.token-file "$WORK_DIR/token" --kubelet.interval 1s
wait_for_metric 'ainode_kubelet_summary_errors_total{error="tls"}' 1 || fail "an unverifiable kubelet was trusted"
[ -z "$(metric 'ainode_pod_ephemeral_storage_used_bytes{namespace="ml-team",pod="trainer-0"}')" ] ||
  fail "data from an unverified kubelet"
echo "HTTPS with token and CA, rotation, 401, timeout, garbage and a wrong CA all handled"
