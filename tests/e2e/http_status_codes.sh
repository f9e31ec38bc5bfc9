#!/usr/bin/env bash
# Issue 17's HTTP defects against the real binary: the method and path are
# judged before the body (POST with a small body on /metrics is 405, a GET
# with a small body is answered), only a body over the limit is 413, a
# request line too long is 414, an unknown HTTP version 505, HTTP/1.1
# without Host 400.
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2046
start_agent codes $(fixture_flags)
port=${AGENT_URL##*:}

code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
# raw REQUEST: sends bytes as they are (curl would fix them) and prints the status line.
raw() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  # The server may close before reading everything it refuses.
  printf '%b' "$1" >&3 2>/dev/null || true
  head -n1 <&3 | tr -d '\r'
  exec 3<&-
}

[ "$(code -X POST -d 'a=b' "$AGENT_URL/metrics")" = 405 ] || fail "POST with a small body on /metrics is not 405"
[ "$(code -X GET -H 'Content-Length: 3' --data-binary abc "$AGENT_URL/healthz")" = 200 ] ||
  fail "GET /healthz with a 3-byte body is not 200"
# Under the limit but far over the 8 KiB read buffer: streamed through it.
near=$(head -c 60000 /dev/zero | tr '\0' x)
[ "$(code -X POST --data-binary "$near" "$AGENT_URL/metrics")" = 405 ] || fail "a 60,000-byte body on /metrics is not 405"
big=$(head -c 70000 /dev/zero | tr '\0' x)
[ "$(code -X POST --data-binary "$big" "$AGENT_URL/metrics")" = 413 ] || fail "a 70,000-byte body is not 413"
long=$(head -c 9000 /dev/zero | tr '\0' a)
[ "$(raw "GET /$long HTTP/1.1\r\nHost: t\r\n\r\n")" = "HTTP/1.1 414 URI Too Long" ] || fail "9,000-character request line"
[ "$(raw "GET /metrics HTTP/9.9\r\nHost: t\r\n\r\n")" = "HTTP/1.1 505 HTTP Version Not Supported" ] || fail "HTTP/9.9"
[ "$(raw "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n")" = "HTTP/1.1 400 Bad Request" ] || fail "no Host"
[ "$(raw "GET /healthz HTTP/1.0\r\n\r\n")" = "HTTP/1.0 200 OK" ] || fail "HTTP/1.0 without Host"
echo "405 before 413, small bodies read, 413 over 64 KiB, 414, 505, 400 without Host"
