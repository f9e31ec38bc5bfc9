#!/usr/bin/env bash
# Issue 15's soak: the agent runs for BENCH_SOAK_SECONDS (default 3600; `make
# bench` runs the 600 s short form) on the 8-GPU twin (the simulated NVML on
# scenarios/h100x8.toml and the twin kubelet serving PodResources and /pods)
# while it is loaded the way a busy node loads it:
#   - one /metrics scrape per second (each must succeed),
#   - 50 Server-Sent Events clients on /v1/events for the whole run,
#   - 20 short-lived processes started per second (the processes collector,
#     the pod attributor and the GPU process join all see them come and go),
#   - a network interface created, flapped and deleted every 5 s (a dummy
#     link, or a veth pair where the kernel has no dummy module; needs
#     CAP_NET_ADMIN, else it says so and skips only that part).
# The agent reads the host's real /proc and /sys, so the churn is real.
# RSS, anonymous memory, open descriptors and threads are sampled every 10 s.
# Flat means: after the first minute, the least-squares trend of RSS over the
# run is under 1 MiB and under 5%; open descriptors have no upward trend
# (least-squares growth over the run under 2: a sample can catch a cycle's
# files or a request's socket open, so the maximum is not the measure);
# threads never exceed their first-minute maximum by more than 2. Sockets
# and other descriptors are shown apart, and the targets of every
# descriptor that was not there at the start are listed. Prints a Markdown section for bench/RESULTS.md and
# exits 1 when a scrape failed or something grew.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
DURATION=${BENCH_SOAK_SECONDS:-3600}
SSE_CLIENTS=${BENCH_SOAK_SSE_CLIENTS:-50}
CHURN_PER_SECOND=${BENCH_SOAK_CHURN:-20}
# The event ring (events.ring_size) is the agent's largest bounded history:
# on the twin about 3 events a second at ~0.35 KB each (their rendered
# bytes), so the default 4,096 fill in ~23 minutes and RSS rises ~1.4 MB
# from them until then. The verdict looks at
# the samples after the ring is full; a short soak uses a smaller ring so
# that it fills within the run.
if [ "$DURATION" -ge 1800 ]; then EVENT_RING=${BENCH_SOAK_EVENT_RING:-4096}; else EVENT_RING=${BENCH_SOAK_EVENT_RING:-512}; fi
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip link del ainodesoak0 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_url() { for _ in $(seq 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

kubelet_port=$(free_port)
"$BUILD/twin/ainode-twin" kubelet scenarios/h100x8.toml --socket "$TMP/kubelet.sock" \
  --listen "127.0.0.1:$kubelet_port" --speed 1 >"$TMP/kubelet.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -S "$TMP/kubelet.sock" ] && break; sleep 0.1; done

port=$(free_port)
URL="http://127.0.0.1:$port"
AINODE_NVML_SIM_SCENARIO="$PWD/scenarios/h100x8.toml" AINODE_NVML_SIM_STATE_FILE="$TMP/gpu_state.json" \
  "$BUILD/ainode" --web.listen-address "127.0.0.1:$port" --log.level warn --state.dir "$TMP/state" \
  --gpu.nvml-library "$BUILD/nvml_sim/libnvidia-ml.so.1" --no-gpu.kmsg-xids --no-gpu.enable-amd \
  --kubelet.pod-resources-socket "$TMP/kubelet.sock" --kubelet.pod-resources-interval 1s \
  --kubelet.url "http://127.0.0.1:$kubelet_port" --kubelet.pods-interval 1s --collect.interval 1s \
  --events.ring-size "$EVENT_RING" >"$TMP/agent.log" 2>&1 &
agent=$!
PIDS+=("$agent")
wait_url "$URL/readyz" || { cat "$TMP/agent.log" >&2; echo "the agent did not become ready" >&2; exit 1; }

for _ in $(seq "$SSE_CLIENTS"); do
  curl -sN --max-time $((DURATION + 60)) "$URL/v1/events" >/dev/null 2>&1 &
  PIDS+=($!)
done

# Process churn: each batch of short-lived processes, once a second.
( while :; do for _ in $(seq "$CHURN_PER_SECOND"); do /bin/true & done; wait; sleep 1; done ) &
PIDS+=($!)

# A dummy link where the kernel has the module, else a veth pair (some
# kernels are built without dummy; veth needs only CAP_NET_ADMIN too).
flapping="no (no dummy or veth link could be created here, e.g. no CAP_NET_ADMIN: the interface flap was skipped)"
flap_link=()
if ip link add ainodesoak0 type dummy 2>/dev/null; then
  flap_link=(type dummy)
  flapping="yes (ainodesoak0, a dummy link, created, up, down and deleted every 5 s)"
elif ip link add ainodesoak0 type veth peer name ainodesoak1 2>/dev/null; then
  flap_link=(type veth peer name ainodesoak1)
  flapping="yes (ainodesoak0 and its peer ainodesoak1, a veth pair, created, up, down and deleted every 5 s)"
fi
if [ "${#flap_link[@]}" -gt 0 ]; then
  ip link del ainodesoak0
  ( while :; do
      ip link add ainodesoak0 "${flap_link[@]}" 2>/dev/null || true
      ip link set ainodesoak0 up 2>/dev/null || true
      ip link set ainodesoak1 up 2>/dev/null || true; sleep 2
      ip link set ainodesoak0 down 2>/dev/null || true; sleep 1
      ip link del ainodesoak0 2>/dev/null || true; sleep 2
    done ) &
  PIDS+=($!)
fi

scrapes=0 failed=0
echo "t_seconds,rss_kib,anon_kib,fds,sockets,kept_files,threads,events" >"$TMP/samples.csv"
# Descriptors are counted apart from the procfs/sysfs files the collectors
# keep open between cycles (collect.keep_files_open): those follow the live
# processes, which the churn changes every second; a leak shows in the rest.
sample() {
  local rss anon all kept sockets
  rss=$(awk '/^Rss:/ {print $2}' "/proc/$agent/smaps_rollup")
  anon=$(awk '/^Anonymous:/ {print $2}' "/proc/$agent/smaps_rollup")
  all=$(ls "/proc/$agent/fd" | wc -l)
  # find exits 1 when an fd closes while it walks the directory: not an error here.
  kept=$({ find "/proc/$agent/fd" -mindepth 1 \( -lname '/proc/*' -o -lname '/sys/*' \) 2>/dev/null || true; } | wc -l)
  sockets=$({ find "/proc/$agent/fd" -mindepth 1 -lname 'socket:*' 2>/dev/null || true; } | wc -l)
  events=$(curl -fsS --max-time 5 "$URL/metrics" | awk '$1 ~ /^ainode_events_total[{]/ {n += $2} END {print n + 0}')
  echo "$1,$rss,$anon,$((all - kept)),$sockets,$kept,$(ls "/proc/$agent/task" | wc -l),$events" >>"$TMP/samples.csv"
  # What the descriptors other than sockets and kept files are, to name any excursion.
  { find "/proc/$agent/fd" -mindepth 1 ! -lname '/proc/*' ! -lname '/sys/*' ! -lname 'socket:*' -printf "$1 %l\n" \
      2>/dev/null || true; } >>"$TMP/fd_targets"
}
echo "soaking ${DURATION}s: 1 scrape/s, $SSE_CLIENTS SSE clients, $CHURN_PER_SECOND processes/s, interface flap: $flapping" >&2
start=$SECONDS
next_sample=0
while [ $((SECONDS - start)) -lt "$DURATION" ]; do
  elapsed=$((SECONDS - start))
  if [ "$elapsed" -ge "$next_sample" ]; then sample "$elapsed"; next_sample=$((next_sample + 10)); fi
  scrapes=$((scrapes + 1))
  curl -fsS --max-time 5 -H 'Accept-Encoding: gzip' -o /dev/null "$URL/metrics" || failed=$((failed + 1))
  kill -0 "$agent" 2>/dev/null || { echo "the agent exited during the soak" >&2; cat "$TMP/agent.log" >&2; exit 1; }
  sleep 1
done
sample $((SECONDS - start))
sse_connected=$(curl -fsS "$URL/metrics" | awk '$1 == "ainode_event_clients" {print $2}')

[ -n "${BENCH_SOAK_KEEP_SAMPLES:-}" ] && cp "$TMP/samples.csv" "$BENCH_SOAK_KEEP_SAMPLES"
python3 - "$TMP/samples.csv" "$TMP/fd_targets" "$DURATION" "$scrapes" "$failed" "$SSE_CLIENTS" "${sse_connected:-unknown}" \
  "$CHURN_PER_SECOND" "$flapping" "$("$BUILD/ainode" --version | head -1)" "$EVENT_RING" <<'PY'
import csv, sys, datetime, os
path, targets_path, duration, scrapes, failed, sse, connected, churn, flapping, version, ring = sys.argv[1:]
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(path))]
warm = [r for r in rows if r["t_seconds"] <= 60]
# The verdict's window: after the first minute and after the event ring is full.
ring_full = next((r["t_seconds"] for r in rows if r["events"] >= float(ring)), None)
window_start = max(60.0, ring_full if ring_full is not None else float("inf"))
later = [r for r in rows if r["t_seconds"] >= window_start]
if len(later) < 6:
    print(f"The event ring ({ring} events) was not full with a minute of samples left: no verdict.")
    sys.exit(1)
def trend(key):
    xs = [r["t_seconds"] for r in later]; ys = [r[key] for r in later]
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs) or 1.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return slope * (xs[-1] - xs[0]), my
rss_growth, rss_mean = trend("rss_kib")
anon_growth, _ = trend("anon_kib")
for r in rows: r["other_fds"] = r["fds"] - r["sockets"]
fd_growth, _ = trend("fds")
socket_growth, _ = trend("sockets")
other_growth, _ = trend("other_fds")
fd_ok = fd_growth < 2
thread_ok = max(r["threads"] for r in later) <= max(r["threads"] for r in warm) + 2
rss_ok = rss_growth < 1024 and rss_growth < 0.05 * rss_mean
ok = rss_ok and fd_ok and thread_ok and int(failed) == 0
mib = lambda k: k / 1024
print(f"### {datetime.datetime.utcnow():%Y-%m-%d} — soak, {duration} s ({os.cpu_count()} cores, kernel {os.uname().release})\n")
print(f"Command: `BENCH_SOAK_SECONDS={duration} bench/soak.sh` ({version}). The agent on the 8-GPU twin "
      f"(simulated NVML, scenarios/h100x8.toml; twin kubelet with PodResources and /pods; the host's /proc and /sys) "
      f"with one scrape per second, {sse} SSE clients ({connected} still connected at the end), {churn} processes "
      f"started per second, interface flap: {flapping}, events.ring_size {ring} (full after {ring_full:.0f} s; "
      f"the trends below are from {window_start:.0f} s on). Sampled every 10 s.\n")
print("| measure | first minute (min–max) | once the ring is full (min–max) | trend once the ring is full |")
print("|---|---|---|---|")
for key, name, unit in (("rss_kib", "RSS", "MiB"), ("anon_kib", "anonymous", "MiB")):
    g = rss_growth if key == "rss_kib" else anon_growth
    print(f"| {name} ({unit}) | {mib(min(r[key] for r in warm)):.1f}–{mib(max(r[key] for r in warm)):.1f} | "
          f"{mib(min(r[key] for r in later)):.1f}–{mib(max(r[key] for r in later)):.1f} | {g:+.0f} KiB over the run |")
for key, name in (("fds", "open descriptors (kept files apart)"), ("sockets", "of which sockets"),
                  ("other_fds", "of which not sockets"), ("kept_files", "kept procfs/sysfs files"), ("threads", "threads")):
    g = {"fds": fd_growth, "sockets": socket_growth, "other_fds": other_growth}.get(key)
    g = f"{g:+.1f} over the run" if g is not None else ""
    print(f"| {name} | {min(r[key] for r in warm):.0f}–{max(r[key] for r in warm):.0f} | "
          f"{min(r[key] for r in later):.0f}–{max(r[key] for r in later):.0f} | {g} |")
# The other bounded histories fill in their first 15 minutes (RCA's feature
# window, SQLite's page cache): in a run long enough, also the trend once
# they and the ring are full.
full = [r for r in rows if r["t_seconds"] >= max(960.0, window_start)]
if len(full) >= 30:
    later = full
    g, m = trend("rss_kib")
    print(f"\nAfter 16 minutes with the ring full (every bounded history full): RSS {mib(min(r['rss_kib'] for r in full)):.1f}–"
          f"{mib(max(r['rss_kib'] for r in full)):.1f} MiB, trend {g:+.0f} KiB; descriptors "
          f"{min(r['fds'] for r in full):.0f}–{max(r['fds'] for r in full):.0f}; threads "
          f"{min(r['threads'] for r in full):.0f}–{max(r['threads'] for r in full):.0f}.")
print(f"\nScrapes: {scrapes}, failed: {failed}. Verdict: **{'flat' if ok else 'NOT flat'}** "
      f"(RSS trend {'<' if rss_ok else '>='} 1 MiB and 5%; descriptors' trend {fd_growth:+.1f}, "
      f"{'steady' if fd_ok else 'grew'}; "
      f"threads {'steady' if thread_ok else 'grew'}).")
# Descriptors (sockets and kept files apart) beyond the first minute's, by target.
import collections, re
by_time = collections.defaultdict(collections.Counter)
for line in open(targets_path):
    t, _, target = line.rstrip("\n").partition(" ")
    target = re.sub(r"\[\d+\]$", "", re.sub(r"^/tmp/tmp\.[^/]+/", "$TMP/", target))
    by_time[float(t)][target] += 1
baseline = collections.Counter()
for t, counts in by_time.items():
    if t <= 60:
        for target, n in counts.items(): baseline[target] = max(baseline[target], n)
extra = collections.Counter()
for t, counts in by_time.items():
    if t > 60:
        for target, n in (counts - baseline).items(): extra[target] += 1
if extra:
    print("\nDescriptors beyond the first minute's (sockets and kept files apart), by target and the number of "
          "samples that caught them: " + "; ".join(f"`{t}` {n}" for t, n in extra.most_common(8)) + ".")
sys.exit(0 if ok else 1)
PY
