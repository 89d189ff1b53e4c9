#!/usr/bin/env bash
# The whole test suite: set-up, a release build with every unit and end-to-end test, the same
# tests again under AddressSanitizer + UndefinedBehaviorSanitizer, and a short run of every
# fuzz target over its seed corpus. CI runs exactly this (through .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/setup.sh

echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== tests under ASan + UBSan"
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCALLHOME_SANITIZE=ON -DCALLHOME_BENCH=OFF >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzz targets (short runs over the seed corpora)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCALLHOME_FUZZ=ON -DCALLHOME_TESTS=OFF >/dev/null
cmake --build build-fuzz
fuzz_seconds=${CALLHOME_FUZZ_SECONDS:-20}
for target in build-fuzz/fuzz/*_fuzz; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target" _fuzz)
  work=$(mktemp -d)
  [[ -d "fuzz/corpus/$name" ]] && cp -r "fuzz/corpus/$name/." "$work/"
  echo "-- $name: ${fuzz_seconds}s"
  # -timeout: an input that takes 10 s is a hang, reported with the input kept beside the log
  # (the default of 20 minutes let a hang stall the whole run).
  "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work.artifact-" "$work" \
    2>"$work.log" || { tail -50 "$work.log"; ls "$work".artifact-* 2>/dev/null; exit 1; }
  grep -E "stat::number_of_executed_units" "$work.log" || true
  rm -rf "$work" "$work.log"
done
echo "== all tests passed"
