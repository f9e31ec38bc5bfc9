#!/usr/bin/env bash
# Tokens per joule with the model server discovered, not configured: the
# twin kubelet's /pods annotates the inference pod ainode.io/metrics-port
# (podIP 127.0.0.1) and the agent has no app.endpoints. The same 2% check as
# model_efficiency.sh (which see).
exec bash "$(dirname "$0")/model_efficiency.sh" discovered
