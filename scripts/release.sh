#!/usr/bin/env bash
# Builds the release tarball (`make release`):
#   OUT/ainode-<version>-linux-<arch>.tar.gz and OUT/<that>.sha256
# holding bin/ainode (stripped), the systemd unit, the default config, the
# Grafana dashboards, the alert rules with their tests and runbooks, the
# Kubernetes and Helm manifests, the docs and a SHA256SUMS of every file.
#
# Reproducible: the same binary and tree give the same bytes. Entries are
# sorted, owned by 0:0, dated at the last commit (SOURCE_DATE_EPOCH when
# set), with normalised modes and no atime/ctime; gzip stores no name or time.
# Usage: scripts/release.sh BUILD_DIR OUT_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR OUT_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
binary="$build/ainode"
[ -x "$binary" ] || { echo "$binary not built (make build)" >&2; exit 1; }

version=$("$binary" --version | awk '{print $2}')
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
name="ainode-$version-linux-$arch"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || echo 0)}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/systemd" "$root/etc"
strip -o "$root/bin/ainode" "$binary"
cp "$source_dir/deploy/systemd/ainode.service" "$root/systemd/"
cp "$source_dir/deploy/ainode.toml" "$source_dir/deploy/web-config.example.yml" "$root/etc/"
cp "$source_dir/README.md" "$root/"
cp -r "$source_dir/deploy/grafana" "$root/grafana"
cp -r "$source_dir/deploy/prometheus" "$root/prometheus"
cp -r "$source_dir/deploy/kubernetes" "$source_dir/deploy/kubernetes-tls" "$source_dir/deploy/helm" "$root/"
cp -r "$source_dir/docs" "$root/docs"
# Modes independent of the umask and checkout: executables 755, the rest 644.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/bin/ainode"
(cd "$root" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum >SHA256SUMS)
chmod 644 "$root/SHA256SUMS"

tarball="$out/$name.tar.gz"
tar -C "$stage" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --format=posix \
  -cf - "$name" | gzip -9 -n >"$tarball"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$tarball"
