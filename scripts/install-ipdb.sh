#!/usr/bin/env bash
# Installs the offline IP-to-ASN/country data callhome uses to name the owner of an address:
#   @ip-location-db/asn          CSV ranges -> ASN + organisation (CC BY 4.0: RouteViews, DB-IP,
#                                NRO; reports credit them)
#   @ip-location-db/asn-country  CSV ranges -> ISO country code (CC0)
# into <repo>/.cache/ipdb (gitignored). callhome compiles the CSVs into its own binary index
# on first use (<repo>/.cache/ipdb/callhome-ipdb.bin) and rebuilds it when they change.
#
# Usage: scripts/install-ipdb.sh            (CALLHOME_IPDB_DIR overrides the target directory)
# Idempotent and quiet. Talks to the npm registry only, runs no package scripts. If npm is
# missing or fails, it warns and exits 0: callhome works without the data, just without
# organisations.
set -uo pipefail
cd "$(dirname "$0")/.."

# Pinned so every machine compiles the same data; bump both together.
VERSION=2.3.2026061719
PACKAGES=("@ip-location-db/asn@${VERSION}" "@ip-location-db/asn-country@${VERSION}")
DEST="${CALLHOME_IPDB_DIR:-$PWD/.cache/ipdb}"

warn() { echo "install-ipdb: warning: $*; callhome will run without ASN/organisation data" >&2; }

installed_version() {  # prints the version of an installed package, or nothing
  local pj="$DEST/node_modules/$1/package.json"
  [[ -f "$pj" ]] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pj" | head -n1
}

up_to_date=1
for p in "${PACKAGES[@]}"; do
  [[ "$(installed_version "${p%@*}")" == "$VERSION" ]] || up_to_date=0
done
((up_to_date)) && exit 0

if ! command -v npm >/dev/null 2>&1; then
  warn "npm not found"
  exit 0
fi
if ! mkdir -p "$DEST"; then
  warn "cannot create $DEST"
  exit 0
fi
# A private package.json keeps npm from walking up into some other project's node_modules.
[[ -f "$DEST/package.json" ]] ||
  printf '{"name":"callhome-ipdb","private":true,"license":"UNLICENSED"}\n' >"$DEST/package.json"

log="$DEST/npm-install.log"
if ! npm install --prefix "$DEST" --save-exact --ignore-scripts --no-audit --no-fund \
  --no-update-notifier --loglevel=error "${PACKAGES[@]}" >"$log" 2>&1; then
  warn "npm install failed (see $log)"
  exit 0
fi
echo "install-ipdb: installed ${PACKAGES[*]} into $DEST" >&2
exit 0
