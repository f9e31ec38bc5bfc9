#!/usr/bin/env bash
# Runs the agent on the committed fixture tree and diffs /metrics with the
# golden file. Regenerate after an intended change with:
#   UPDATE_GOLDEN=1 bash tests/e2e/golden_metrics.sh
source "$(dirname "$0")/lib.sh"

GOLDEN="$FIXTURES/golden/metrics.prom"
# shellcheck disable=SC2046
start_agent golden $(fixture_flags)
curl -fsS "$AGENT_URL/metrics" >"$WORK_DIR/raw.prom"
normalize_metrics <"$WORK_DIR/raw.prom" >"$WORK_DIR/actual.prom"

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$WORK_DIR/actual.prom" "$GOLDEN"
  echo "updated $GOLDEN"
  exit 0
fi
diff -u "$GOLDEN" "$WORK_DIR/actual.prom" || fail "/metrics differs from $GOLDEN (UPDATE_GOLDEN=1 to accept)"
echo "golden /metrics matches ($(grep -vc '^#' "$GOLDEN") samples)"
