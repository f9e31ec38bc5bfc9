#!/usr/bin/env bash
# Ephemeral storage from the kubelet's /stats/summary over real HTTPS: a
# test kubelet (Python's ssl server, with a CA and a serving certificate
# made here by openssl) that checks the bearer token. The agent verifies the
# server against the CA, sends the token from the token file, and exports
# pod and node ephemeral storage; then the token is rotated to a wrong one
# (401 counted), the kubelet becomes slow (timeout counted), answers garbage
# (parse error counted), cuts its answer short (tls counted: a body
# delimited by its close is accepted without close_notify, a shorter one
# than its Content-Length is not), the CA is wrong or the certificate
# names another address (tls counted) — each said in /v1/status while every other
# collector goes on — and insecure_skip_verify reads a kubelet it cannot verify.
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "openssl missing: run make deps"

cd "$WORK_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=test kubelet CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other-ca.pem -days 2 -subj "/CN=another CA" 2>/dev/null
# Signed by the right CA, for another node's address.
openssl req -newkey rsa:2048 -nodes -keyout elsewhere.key -out elsewhere.csr -subj "/CN=127.0.0.2" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.2\n' >elsewhere.ext
openssl x509 -req -in elsewhere.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out elsewhere.pem -days 2 -extfile elsewhere.ext 2>/dev/null
echo "secret-token" >token
echo ok >mode

serve_kubelet() {  # PORT CERT KEY
python3 - "$1" "$FIXTURES/kubelet/summary.json" "$2" "$3" <<'PY' >>kubelet.log 2>&1 &
import http.server, ssl, sys, time
port, summary, cert, key = int(sys.argv[1]), open(sys.argv[2], "rb").read(), sys.argv[3], sys.argv[4]
class Kubelet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        mode = open("mode").read().strip()
        if self.headers.get("Authorization") != "Bearer secret-token":
            self.send_response(401); self.end_headers(); self.wfile.write(b"Unauthorized"); return
        if mode == "slow":
            time.sleep(3)
        body = summary if mode != "garbage" else b"<html>this is not the Summary API</html>"
        self.send_response(200 if self.path == "/stats/summary" else 404)
        self.send_header("Content-Type", "application/json")
        if mode == "truncated":  # promises more than it sends, then closes without close_notify
            self.send_header("Content-Length", str(len(body) + 1000))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Kubelet)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
BACKGROUND_PIDS+=($!)
}
port=$(free_port)
serve_kubelet "$port" server.pem server.key
elsewhere_port=$(free_port)
serve_kubelet "$elsewhere_port" elsewhere.pem elsewhere.key
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
wait_for_metric ainode_kubelet_summary_up 1 || { cat kubelet.log summary.log >&2; fail "summary not read over HTTPS with the token"; }
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
echo truncated >mode
wait_for_metric 'ainode_kubelet_summary_errors_total{error="tls"}' 1 || fail "a truncated answer was not refused"
[ "$(metric 'ainode_collector_success{collector="memory"}')" = 1 ] || fail "other collectors affected"
[ "$(metric 'ainode_collector_success{collector="kubelet"}')" = 1 ] || fail "kubelet collector failed its cycle"

echo ok >mode
start_agent wrong_ca "${tree[@]}" --kubelet.url "https://127.0.0.1:$port" \
  --kubelet.ca-file "$WORK_DIR/other-ca.pem" --kubelet.token-file "$WORK_DIR/token" --kubelet.interval 1s
wait_for_metric 'ainode_kubelet_summary_errors_total{error="tls"}' 1 || fail "an unverifiable kubelet was trusted"
[ -z "$(metric 'ainode_pod_ephemeral_storage_used_bytes{namespace="ml-team",pod="trainer-0"}')" ] ||
  fail "data from an unverified kubelet"

start_agent wrong_host "${tree[@]}" --kubelet.url "https://127.0.0.1:$elsewhere_port" \
  --kubelet.ca-file "$WORK_DIR/ca.pem" --kubelet.token-file "$WORK_DIR/token" --kubelet.interval 1s
wait_for_metric 'ainode_kubelet_summary_errors_total{error="tls"}' 1 ||
  fail "a certificate for another address was accepted"
status=$(curl -fsS "$AGENT_URL/v1/status")
grep -q 'IP address mismatch' <<<"$status" || fail "the host mismatch is not said in /v1/status: $status"

start_agent insecure "${tree[@]}" --kubelet.url "https://127.0.0.1:$elsewhere_port" \
  --kubelet.ca-file "$WORK_DIR/other-ca.pem" --kubelet.insecure-skip-verify --kubelet.token-file "$WORK_DIR/token" \
  --kubelet.interval 1s
wait_for_metric ainode_kubelet_summary_up 1 || fail "insecure_skip_verify did not read the kubelet"
echo "HTTPS with token and CA, rotation, 401, timeout, garbage, a wrong CA, another host's certificate and insecure_skip_verify all handled"
