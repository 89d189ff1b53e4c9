#!/usr/bin/env bash
# End to end `callhome analyze` on a generated ~1 GB capture plus ~1 GB of logs (half an
# iptables firewall log, half a Squid access.log), against a raw read of the same files
# (`cat FILES > /dev/null`) in the same run, both from the page cache. Reports wall time and
# peak memory of each and the ratio; the report folder goes to a scratch directory and is
# deleted with the inputs.
#
#   bench/analyze_throughput.sh [CAPTURE_CONNECTIONS=450000] [LOG_MB=1024] [--keep]
#     450 000 connections make a ~1 GB capture (snaplen 128, see bench/gen_capture.cpp).
#     --keep leaves the inputs and the report in BENCH_DIR/analyze; a later run with the same
#     sizes reuses the inputs.
#   BUILD=build-bench (build directory), BENCH_DIR=/tmp/callhome-bench (scratch files),
#   ANALYZE_TIMEOUT=seconds (stop analyze after this long and say so; default: no limit)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
conns=${1:-450000}
log_mb=${2:-1024}
keep=0
[[ "${3:-}" == "--keep" ]] && keep=1
[[ "$conns" =~ ^[0-9]+$ && "$log_mb" =~ ^[0-9]+$ ]] || {
  echo "usage: $0 [CAPTURE_CONNECTIONS] [LOG_MB] [--keep]" >&2
  exit 2
}
build=${BUILD:-build-bench}
limit=${ANALYZE_TIMEOUT:-0}
data=${BENCH_DIR:-/tmp/callhome-bench}/analyze
mkdir -p "$data"
((keep)) || trap 'rm -rf "$data"' EXIT

[[ -f "$build/build.ninja" ]] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target callhome gen_capture gen_logs >/dev/null

pcap="$data/capture.pcap"
fw="$data/firewall.log"
proxy="$data/access.log"
out="$data/report"
stamp="$data/inputs.$conns.$log_mb"
if [[ ! -f "$stamp" || "$stamp" -ot "$build/bench/gen_logs" || "$stamp" -ot "$build/bench/gen_capture" ]]; then
  rm -f "$data"/inputs.*
  "$build/bench/gen_capture" "$pcap" "$conns" 1 4096 128 >/dev/null 2>&1
  "$build/bench/gen_logs" iptables "$fw" $((log_mb / 2)) 2>/dev/null
  "$build/bench/gen_logs" squid "$proxy" $((log_mb - log_mb / 2)) 2>/dev/null
  touch "$stamp"
fi
files=("$pcap" "$fw" "$proxy")
bytes=$(stat -c %s "${files[@]}" | awk '{s += $1} END {print s}')

measure() {  # runs "$@" with stdout to /dev/null; prints "wall_seconds max_rss_kb exit_status"
  local t0=$EPOCHREALTIME t1 rc=0  # microseconds: `time -f %e` has only 10 ms
  /usr/bin/time -f "%M" -o "$data/time.out" "$@" >/dev/null 2>"$data/stderr.out" || rc=$?
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -1 "$data/time.out") $rc"
}
echo "analyze_throughput: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "${files[@]}" >/dev/null  # warm-up: both runs below read from the page cache
read -r raw_s raw_kb _ < <(measure sh -c 'cat "$@" >/dev/null' cat "${files[@]}")
rm -rf "$out"
run=("$build/callhome" analyze --year 2024 -o "$out" "${files[@]}")
((limit > 0)) && run=(timeout "$limit" "${run[@]}")
read -r an_s an_kb an_rc < <(measure "${run[@]}")
grep -v '^callhome: stats' "$data/stderr.out" | head -5 >&2 || true
findings=$(grep -c '"id": "F' "$out/findings.json" 2>/dev/null || true)
conn_lines=$(grep -vc '^#' "$out/conn.log" 2>/dev/null || true)
report_mb=$(du -sm "$out" 2>/dev/null | cut -f1 || true)
read -r base_s base_kb _ < <(measure "$build/callhome" --version)

for f in "${files[@]}"; do printf "  %-40s %8.0f MB\n" "$f" "$(stat -c %s "$f")e-6"; done
awk -v b="$bytes" -v rs="$raw_s" -v rk="$raw_kb" -v as="$an_s" -v ak="$an_kb" -v bk="$base_kb" \
    -v nf="${findings:-0}" -v nc="${conn_lines:-0}" -v rm="${report_mb:-0}" -v rc="$an_rc" 'BEGIN {
  rs = rs > 0 ? rs : 0.01;
  printf "inputs: %.0f MB in 3 files\n", b/1e6;
  printf "raw read (cat FILES):    %7.2f s  %7.0f MB/s  peak %6.1f MB\n", rs, b/1e6/rs, rk/1024;
  printf "callhome analyze -o DIR: %7.2f s  %7.0f MB/s  peak %6.1f MB (%.1f MB at start)%s\n",
         as, b/1e6/as, ak/1024, bk/1024,
         rc == 0 ? "" : rc == 124 ? "  STOPPED by ANALYZE_TIMEOUT: did not finish" : "  FAILED, exit " rc;
  printf "analyze takes %s%.1fx the raw read (%.1f%% of its speed)\n", rc == 0 ? "" : "more than ",
         as/rs, 100*rs/as;
  printf "report: %d findings, %d conn.log records, %d MB written\n", nf, nc, rm;
}'
exit "$an_rc"
