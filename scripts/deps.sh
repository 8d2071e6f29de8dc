#!/usr/bin/env bash
# Install what libbuddy needs to build, test and benchmark, from Debian's
# packages, when something is missing. Usage: scripts/deps.sh [extra packages]
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcmocka-dev libnuma-dev libjemalloc-dev systemtap-sdt-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
