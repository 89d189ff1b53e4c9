#!/usr/bin/env bash
# Quick start: installs what callhome needs (Debian 12, as root), builds it, and analyses the
# example evidence shipped in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/callhome analyze examples/
