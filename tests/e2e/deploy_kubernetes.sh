#!/usr/bin/env bash
# The Kubernetes, Helm and Prometheus deployment files, checked offline:
#   - `kubectl kustomize deploy/kubernetes` renders;
#   - every rendered object validates against the upstream OpenAPI schemas
#     (npm kubernetes-models, installed by scripts/install-deps.sh);
#   - the ConfigMap's ainode.toml and the DaemonSet's arguments are accepted
#     by this ainode (`config show`);
#   - the Helm templates carry the same mounts, probes, privileges and
#     environment as the kustomize DaemonSet;
#   - yamllint is clean; promtool checks the Prometheus scrape configs.
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"
validator=tools/k8s-validate
[ -d "$validator/node_modules/kubernetes-models" ] || fail "$validator/node_modules missing: run make deps"

kubectl kustomize deploy/kubernetes >"$WORK_DIR/rendered.yaml" 2>"$WORK_DIR/kustomize.err" ||
  { cat "$WORK_DIR/kustomize.err"; fail "kubectl kustomize deploy/kubernetes"; }
node "$validator/validate.mjs" <"$WORK_DIR/rendered.yaml" || fail "rendered objects do not validate"

# The TLS overlay (deploy/kubernetes-tls): renders, validates, and adds
# --web.config.file, the Secret volume and TCP probes to the same DaemonSet.
kubectl kustomize deploy/kubernetes-tls >"$WORK_DIR/rendered-tls.yaml" 2>"$WORK_DIR/kustomize-tls.err" ||
  { cat "$WORK_DIR/kustomize-tls.err"; fail "kubectl kustomize deploy/kubernetes-tls"; }
node "$validator/validate.mjs" <"$WORK_DIR/rendered-tls.yaml" >/dev/null || fail "TLS overlay objects do not validate"
for expected in '- --web.config.file=/etc/ainode/web-config.yml' 'secretName: ainode-tls' 'tcpSocket:' 'scheme: https' \
  'web-config.yml: |'; do
  grep -qF -- "$expected" "$WORK_DIR/rendered-tls.yaml" || fail "TLS overlay lacks '$expected'"
done
# Its web-config.yml parses (the certificates exist only in a cluster).
"$AINODE_BINARY" --web.config.file deploy/kubernetes-tls/web-config.yml --web.listen-address 127.0.0.1:0 \
  --path.procfs "$FIXTURES/proc" --path.sysfs "$FIXTURES/sys" >"$WORK_DIR/tls-config.out" 2>&1 || true
grep -q "web-config.yml:4: tls_server_config.cert_file: cannot read '/etc/ainode/tls/tls.crt'" "$WORK_DIR/tls-config.out" ||
  { cat "$WORK_DIR/tls-config.out"; fail "deploy/kubernetes-tls/web-config.yml does not parse"; }

# The kernel-log overlay (deploy/kubernetes-kmsg): renders, validates, mounts
# the host's /dev/kmsg and points --gpu.kmsg-path at it.
kubectl kustomize deploy/kubernetes-kmsg >"$WORK_DIR/rendered-kmsg.yaml" 2>"$WORK_DIR/kustomize-kmsg.err" ||
  { cat "$WORK_DIR/kustomize-kmsg.err"; fail "kubectl kustomize deploy/kubernetes-kmsg"; }
node "$validator/validate.mjs" <"$WORK_DIR/rendered-kmsg.yaml" >/dev/null || fail "kmsg overlay objects do not validate"
for expected in '- --gpu.kmsg-path=/dev/kmsg' 'type: CharDevice' 'privileged: true'; do
  grep -qF -- "$expected" "$WORK_DIR/rendered-kmsg.yaml" || fail "kmsg overlay lacks '$expected'"
done

# The pieces ainode itself must accept, pulled out of the rendered objects.
node "$validator/extract.mjs" "$WORK_DIR" <"$WORK_DIR/rendered.yaml" || fail "extracting config and args"
mapfile -t args <"$WORK_DIR/args"
args=("${args[@]/--config=\/etc\/ainode\/ainode.toml/--config=$WORK_DIR/ainode.toml}")
"$AINODE_BINARY" "${args[@]}" config show >"$WORK_DIR/config.out" 2>&1 ||
  { cat "$WORK_DIR/config.out"; fail "ainode rejects the DaemonSet's arguments or ConfigMap"; }
grep -q 'procfs = "/host/proc"' "$WORK_DIR/config.out" || fail "ConfigMap config was not the one loaded"

# Helm cannot be installed here: the templates must at least say everything
# the kustomize DaemonSet says about the host (mounts, probes, privileges, env).
python3 - "$WORK_DIR/daemonset.json" deploy/helm/ainode/templates/daemonset.yaml <<'PY' || fail "Helm DaemonSet differs"
import json, sys
daemonset = json.load(open(sys.argv[1]))
template = open(sys.argv[2]).read()
pod = daemonset["spec"]["template"]["spec"]
container = pod["containers"][0]
expected = [f"hostPID: {str(pod['hostPID']).lower()}", f"hostNetwork: {str(pod['hostNetwork']).lower()}"]
expected += [f"path: {v['hostPath']['path']}" for v in pod["volumes"] if "hostPath" in v]
expected += [f"mountPath: {m['mountPath']}" for m in container["volumeMounts"]]
expected += [f"path: {p['httpGet']['path']}" for p in (container["livenessProbe"], container["readinessProbe"])]
expected += [f"- name: {e['name']}" for e in container["env"]]
expected += [f"{k}: {str(v).lower()}" for k, v in container["securityContext"].items() if isinstance(v, bool)]
expected += [f"- {a}" for a in container["args"]]
missing = [e for e in expected if e not in template]
for e in missing:
    print(f"helm daemonset template lacks: {e}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
for kind in ServiceAccount ClusterRole ClusterRoleBinding ConfigMap Service DaemonSet ServiceMonitor; do
  grep -q "^kind: $kind\$" deploy/helm/ainode/templates/*.yaml || fail "Helm chart has no $kind"
done

yamllint -s -c .yamllint deploy .yamllint || fail "yamllint"

promtool check config deploy/prometheus/prometheus-static.yml >/dev/null || fail "promtool: static config"
# Debian's Prometheus is built without Kubernetes service discovery, so
# promtool there rejects kubernetes_sd_configs itself; everything else in the
# file (relabelling, intervals) is checked with the discovery block swapped
# for a file_sd block.
sed 's/kubernetes_sd_configs:/file_sd_configs:/; s/- role: endpoints/- files: [targets.json]/; /namespaces:/d; /names: \[ainode\]/d' \
  deploy/prometheus/prometheus-kubernetes.yml >"$WORK_DIR/prometheus-kubernetes.yml"
promtool check config "$WORK_DIR/prometheus-kubernetes.yml" >/dev/null ||
  { promtool check config "$WORK_DIR/prometheus-kubernetes.yml"; fail "promtool: kubernetes config"; }
echo "kustomize renders, $(grep -c '^kind:' "$WORK_DIR/rendered.yaml") objects validate, config and args accepted, helm matches, yamllint and promtool clean"
