#!/usr/bin/env bash
# Builds every parser's libFuzzer target with clang (ASan + UBSan) and runs
# each briefly, seeded with the fixture files. A crash, sanitizer report or
# leak fails the test. FUZZ_SECONDS sets the time per target (default 4).
source "$(dirname "$0")/lib.sh"
FUZZ_BUILD="$AINODE_BUILD_DIR/fuzz-build"
seconds=${FUZZ_SECONDS:-4}

CC=clang-14 CXX=clang++-14 cmake -S "$AINODE_SOURCE_DIR" -B "$FUZZ_BUILD" -G Ninja -DAINODE_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$WORK_DIR/configure.log" 2>&1 || { cat "$WORK_DIR/configure.log"; fail "configure"; }
cmake --build "$FUZZ_BUILD" >"$WORK_DIR/build.log" 2>&1 || { tail -40 "$WORK_DIR/build.log"; fail "fuzz build"; }

count=0
for target in "$FUZZ_BUILD"/fuzz/*_fuzz; do
  name=$(basename "$target")
  corpus="$WORK_DIR/corpus-$name"
  mkdir -p "$corpus"
  # Seeds: every fixture file (the parser rejects the wrong kinds quickly), the kubelet answers,
  # the web configs (fixtures and the deploy example), the profiles and the
  # recorded kernel log.
  # sed, not head: head exits after 200 lines, find then dies of SIGPIPE and,
  # under pipefail, the whole test fails (seen: exit 141).
  { find "$FIXTURES/web" "$FIXTURES/policies" "$FIXTURES/kubelet" "$FIXTURES/kmsg" "$AINODE_SOURCE_DIR/deploy/web-config.example.yml" -type f 2>/dev/null
    find "$FIXTURES/proc" "$FIXTURES/sys" -type f -size -64k 2>/dev/null | sed -n 1,200p; } |
    while read -r f; do cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-16)"; done
  if ! "$target" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=5 "$corpus" >"$WORK_DIR/$name.log" 2>&1; then
    tail -40 "$WORK_DIR/$name.log" >&2
    fail "$name found a crash"
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$WORK_DIR/$name.log" | grep -o '[0-9]*' || echo "?")
  echo "$name: $runs runs in ${seconds}s, no crash"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no fuzz targets were built"
echo "fuzzed $count parsers"
