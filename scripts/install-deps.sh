#!/usr/bin/env bash
# Installs every build, test and benchmark dependency from Debian 12
# packages, plus the npm packages of tools/k8s-validate (the Kubernetes API
# schemas the deployment test validates against) and tools/grafana-validate
# (Grafana's dashboard schema). Idempotent: does nothing when all are present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git python3 curl
  libboost-dev zlib1g-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libfreeipmi-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libcurl4-openssl-dev libnghttp2-dev openssl
  libsnappy-dev libsqlite3-dev libncurses-dev tmux
  libyaml-cpp-dev libssl-dev libcrypt-dev
  libgtest-dev libgmock-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev lld
  prometheus prometheus-node-exporter wrk strace
  yamllint python3-yaml systemd
  rpm
)
# Tools that may already come from elsewhere on the machine: the Debian
# package only when the command is missing.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
install_npm_tools() {
  local root tools
  root="$(cd "$(dirname "$0")/.." && pwd)"
  for tools in "$root/tools/k8s-validate" "$root/tools/grafana-validate"; do
    [ -d "$tools/node_modules" ] && continue
    echo "installing npm packages of $tools (package-lock.json)"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  done
}
if [ ${#missing[@]} -eq 0 ]; then
  install_npm_tools
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian packages start their daemons; ainode's tests and benchmarks run
# their own instances on other ports, so the system services are not needed.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  "${sudo_cmd[@]}" systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
install_npm_tools
