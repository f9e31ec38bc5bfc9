#!/usr/bin/env bash
# CPU per cycle of each power/fabric/topology collector alone against the
# floor of reading the same files (bench_read_floor), on this host and on the
# committed fixture tree (real-shaped RAPL zones, hwmon chips, mlx5/irdma
# ports, two NUMA nodes, GPUs and NICs on PCIe), which exercises the
# collectors whose hardware this host may lack. Prints a Markdown table.
#   per_collector.sh [cycles]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
CYCLES=${1:-${BENCH_CYCLES:-200}}
COLLECTORS=${BENCH_COLLECTORS:-"rapl hwmon infiniband numa pcie"}
FIXTURES="$PWD/tests/fixtures"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ms() { python3 -c "import sys; print(f'{float(sys.argv[1])*1000:.3f}')" "$1"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }

measure() {  # TREE COLLECTOR SETTINGS...
  local tree=$1 collector=$2
  shift 2
  local settings=(collect.disable_defaults=true "collectors.$collector=true" "$@")
  FLOOR_PREFIXES="$FIXTURES/" bench/files_read.sh "$BUILD/bench/bench_cycle_cost" 1 "${settings[@]}" >"$TMP/files"
  local ours floor entries
  ours=$("$BUILD/bench/bench_cycle_cost" "$CYCLES" "${settings[@]}" | sed -E 's/.*cpu_seconds_per_cycle=([0-9.]+).*/\1/')
  read -r floor_line < <("$BUILD/bench/bench_read_floor" "$TMP/files" "$CYCLES")
  floor=$(sed -E 's/.*cpu_seconds_per_pass=([0-9.]+).*/\1/' <<<"$floor_line")
  entries=$(sed -E 's/entries=([0-9]+).*/\1/' <<<"$floor_line")
  echo "| $collector | $tree | $entries | $(ms "$ours") | $(ms "$floor") | $(ratio "$ours" "$floor")× |"
}

echo "| collector | tree | files read | ainode CPU per cycle (ms) | read floor (ms) | ratio |"
echo "|---|---|---|---|---|---|"
for collector in $COLLECTORS; do
  measure host "$collector"
  measure fixture "$collector" "path.procfs=$FIXTURES/proc" "path.sysfs=$FIXTURES/sys" "path.rootfs=$FIXTURES/rootfs"
done
