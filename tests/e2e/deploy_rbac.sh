#!/usr/bin/env bash
# RBAC grants exactly what the code calls on the kubelet: GET /stats/summary,
# which the kubelet authorizes as nodes/stats, and GET /pods (pod events),
# which it authorizes as nodes/proxy; get only. A new kubelet path: grant it
# here and in docs/kubernetes.md.
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"

kubectl kustomize deploy/kubernetes >"$WORK_DIR/rendered.yaml" || fail "kubectl kustomize deploy/kubernetes"
python3 - "$WORK_DIR/rendered.yaml" deploy/helm/ainode/templates/rbac.yaml <<'PY' || fail "RBAC grants other than get on nodes/stats and nodes/proxy"
import re, sys, yaml
expected = [{"apiGroups": [""], "resources": ["nodes/stats"], "verbs": ["get"]},
            {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]
roles = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o and o.get("kind") == "ClusterRole"]
assert len(roles) == 1, f"expected one ClusterRole, got {len(roles)}"
assert roles[0]["rules"] == expected, f"kustomize ClusterRole rules: {roles[0]['rules']}"
# The Helm template is not YAML until rendered; its braces sit only in metadata.
helm = re.sub(r"\{\{[^}]*\}\}", "x", open(sys.argv[2]).read())
helm_roles = [o for o in yaml.safe_load_all(helm) if o and o.get("kind") == "ClusterRole"]
assert len(helm_roles) == 1 and helm_roles[0]["rules"] == expected, f"helm ClusterRole: {helm_roles}"
PY
# The kubelet HTTP paths the code calls: only /pods and /stats/summary.
paths=$(grep -rhoE '"/(stats|pods|metrics|spec|logs|exec|run)[a-z/]*"' src/k8s src/collectors/k8s | sort -u | tr '\n' ' ')
[ "$paths" = '"/pods" "/stats/summary" ' ] || fail "kubelet paths called: $paths (update RBAC and this test)"
echo "RBAC grants get on nodes/stats and nodes/proxy; the kubelet paths called are /stats/summary and /pods"
