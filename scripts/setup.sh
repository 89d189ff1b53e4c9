#!/usr/bin/env bash
# Installs everything callhome needs on Debian 12 (as root), then builds it.
# Usage: scripts/setup.sh [--no-build]
# Idempotent: packages already present are skipped, the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  libpcap-dev zlib1g-dev libbz2-dev liblzma-dev libzstd-dev libssl-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libsimdjson-dev libabsl-dev libtomlplusplus-dev libmaxminddb-dev
  libgtest-dev libgmock-dev libbenchmark-dev libmaxmind-db-writer-perl
  tshark wireshark-common tcpdump python3-scapy tzdata chromium publicsuffix
  p0f  # /etc/p0f/p0f.fp: the TCP signatures OS fingerprinting reads (and p0f itself, the
       # reference the fingerprint tests compare with)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the IP-to-ASN data; the image may already carry its own Node.js, which conflicts
# with Debian's npm package, so only ask apt for it when there is none.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Offline IP-to-ASN data (npm); warns and carries on when it cannot be fetched.
bash scripts/install-ipdb.sh

if [[ "${1:-}" != "--no-build" ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build
fi
