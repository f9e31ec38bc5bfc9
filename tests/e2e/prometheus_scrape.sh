#!/usr/bin/env bash
# A real Prometheus server (Debian's) scrapes the agent, which serves the
# fixture tree; a PromQL query over the HTTP API must return the fixture's
# value. Prometheus negotiates OpenMetrics, so this also proves that format
# parses in Prometheus itself.
source "$(dirname "$0")/lib.sh"
command -v prometheus >/dev/null || fail "prometheus not installed (make deps)"

# shellcheck disable=SC2046
start_agent scraped $(fixture_flags)
agent_address=${AGENT_URL#http://}
expected=$(awk '/^MemTotal:/ {printf "%.0f", $2 * 1024}' "$FIXTURES/proc/meminfo")

cat >"$WORK_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ainode
    static_configs:
      - targets: ['$agent_address']
YAML
start_prometheus


for _ in $(seq 1 60); do
  value=$(prom_query 'ainode_memory_total_bytes{job="ainode"}')
  [ -n "$value" ] && break
  sleep 0.5
done
[ -n "$value" ] || { tail -20 "$WORK_DIR/prometheus.log" >&2; fail "Prometheus never stored ainode_memory_total_bytes"; }
[ "$value" = "$expected" ] || fail "PromQL returned $value, fixture says $expected"
up=$(prom_query 'up{job="ainode"}')
[ "$up" = 1 ] || fail "up{job=\"ainode\"} is '$up'"
health=$(curl -fsS "$PROM/api/v1/targets" | python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"]; print(t[0]["health"], t[0]["lastError"])')
[ "$health" = "up " ] || fail "target health: $health"
echo "Prometheus scraped ainode: ainode_memory_total_bytes=$value, up=1, target healthy"
