#!/usr/bin/env bash
# The release tarball (`make release`, scripts/release.sh): made twice from
# the same build, byte-identical; its .sha256 and inner SHA256SUMS check; it
# holds the binary (which runs and names the tarball's version), the unit,
# the default config (accepted by that binary), every dashboard and alert
# rule of the tree and the runbooks; entries owned by 0:0 and dated at the
# last commit.
source "$(dirname "$0")/lib.sh"
cd "$AINODE_SOURCE_DIR"
# The tarball carries the binary from this build directory.
env -u SOURCE_DATE_EPOCH scripts/release.sh "$AINODE_BUILD_DIR" "$WORK_DIR/one" >/dev/null || fail "scripts/release.sh"
env -u SOURCE_DATE_EPOCH scripts/release.sh "$AINODE_BUILD_DIR" "$WORK_DIR/two" >/dev/null || fail "scripts/release.sh (second)"
tarball=$(ls "$WORK_DIR"/one/ainode-*-linux-*.tar.gz)
name=$(basename "$tarball" .tar.gz)
[[ "$name" =~ ^ainode-[0-9]+\.[0-9]+\.[0-9]+-linux-(amd64|arm64|[a-z0-9_]+)$ ]] || fail "unexpected name $name"
cmp "$tarball" "$WORK_DIR/two/$name.tar.gz" || fail "two builds of the tarball differ: not reproducible"
(cd "$WORK_DIR/one" && sha256sum -c --quiet "$name.tar.gz.sha256") || fail "the .sha256 does not match"

tar -tvzf "$tarball" >"$WORK_DIR/listing"
awk '{print $2}' "$WORK_DIR/listing" | sort -u | grep -qvx "0/0" && fail "entries not owned by 0/0"
epoch=$(git log -1 --format=%ct)
expected_date=$(date -u -d "@$epoch" '+%Y-%m-%d %H:%M')
TZ=UTC tar -tvzf "$tarball" | awk '{print $4" "$5}' | sort -u | grep -qvx "$expected_date" &&
  fail "entries not dated at the last commit ($expected_date)"

mkdir -p "$WORK_DIR/x"
tar -C "$WORK_DIR/x" -xzf "$tarball"
dir="$WORK_DIR/x/$name"
(cd "$dir" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS inside the tarball does not match"
for needed in bin/ainode systemd/ainode.service etc/ainode.toml etc/web-config.example.yml README.md \
  prometheus/rules/tests docs/runbooks helm/ainode/Chart.yaml kubernetes/daemonset.yaml; do
  [ -e "$dir/$needed" ] || fail "tarball lacks $needed"
done
for file in deploy/grafana/*.json deploy/prometheus/rules/*.rules.yml docs/runbooks/*.md; do
  relative=${file#deploy/}
  cmp -s "$file" "$dir/$relative" || fail "tarball's $relative differs from $file (or is missing)"
done
[ "$(stat -c %a "$dir/bin/ainode")" = 755 ] || fail "bin/ainode is not 755"
version=$("$dir/bin/ainode" --version) || fail "the tarball's ainode does not run"
[[ "$name" == "ainode-$(awk '{print $2}' <<<"$version")-linux-"* ]] || fail "name $name does not carry version $version"
"$dir/bin/ainode" --config "$dir/etc/ainode.toml" config show >/dev/null || fail "the tarball's default config is rejected"
echo "release: $name.tar.gz reproducible, checksummed, $(grep -c . "$dir/SHA256SUMS") files, $version"
