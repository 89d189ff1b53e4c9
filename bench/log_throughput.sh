#!/usr/bin/env bash
# Log reader throughput, end to end: for each log format callhome reads, generate one file of
# SIZE_MB with bench/gen_logs, then in the same run time `wc -l` on it (the floor of any line
# reader), `callhome inputs` (the reader alone: every line parsed into events, counted) and
# `callhome conn` (reading, then writing conn.log to /dev/null), all from the page cache.
# Reports MB/s and records/s, each run's ratio to wc -l, and peak memory
# at the full size and at a quarter of it (the first quarter of the same lines), which must be
# about the same: memory follows live state, not input size. Each file is deleted after use.
#
#   bench/log_throughput.sh [SIZE_MB=2048] [FORMAT...]
#     FORMAT: squid iptables filterlog asa winfw table snort eve zeek (default: all)
#   BUILD=build-bench (build directory), BENCH_DIR=/tmp/callhome-bench (scratch files go in
#   BENCH_DIR/logs)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
size=${1:-2048}
[[ "$size" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SIZE_MB] [FORMAT...]" >&2; exit 2; }
shift || true
formats=("$@")
((${#formats[@]})) || formats=(squid iptables filterlog asa winfw table snort eve zeek)
build=${BUILD:-build-bench}
data=${BENCH_DIR:-/tmp/callhome-bench}/logs  # own folder: conn_throughput.sh uses the parent
mkdir -p "$data"

[[ -f "$build/build.ninja" ]] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target callhome gen_logs >/dev/null
callhome=$build/callhome

measure() {  # OUT CMD...: runs CMD with stdout to OUT; prints "wall_seconds max_rss_kb"
  local out=$1 t0=$EPOCHREALTIME t1  # microseconds: `time -f %e` has only 10 ms
  shift
  /usr/bin/time -f "%M" -o "$data/time.out" "$@" >"$out" 2>"$data/stderr.out"
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(cat "$data/time.out")"
}
stat_field() {  # 1: records, 2: rejected, from the line `callhome inputs` printed
  sed -n "s/.* \([0-9]*\) records, \([0-9]*\) rejected.*/\\$1/p" "$data/stdout.out" | head -1
}

echo "log_throughput: ${size} MB per format, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-10s %6s %9s %8s %8s %9s %7s %8s %7s %7s %7s\n" format MB lines "wc MB/s" \
  "read MB/s" "read rec/s" "read/wc" "conn MB/s" "conn/wc" "RSS MB" "RSS 1/4"
status=0
for fmt in "${formats[@]}"; do
  log="$data/bench.$fmt.log"
  quarter="$data/bench.$fmt.quarter.log"
  "$build/bench/gen_logs" "$fmt" "$log" "$size" 2>/dev/null
  bytes=$(stat -c %s "$log")
  cat "$log" >/dev/null  # warm the page cache: both runs read from memory
  read -r wc_s _ < <(measure /dev/null wc -l "$log")
  lines=$(wc -l <"$log")
  read -r rd_s rd_kb < <(measure "$data/stdout.out" "$callhome" inputs --year 2024 "$log")
  records=$(stat_field 1)
  rejected=$(stat_field 2)
  read -r ch_s _ < <(measure /dev/null "$callhome" conn --year 2024 "$log")
  # Peak memory on the first quarter of the same lines (headers included).
  head -n $((lines / 4)) "$log" >"$quarter"
  rm -f "$log"
  read -r _ q_kb < <(measure "$data/stdout.out" "$callhome" inputs --year 2024 "$quarter")
  q_rejected=$(stat_field 2)
  rm -f "$quarter"
  awk -v f="$fmt" -v b="$bytes" -v l="$lines" -v ws="$wc_s" -v rs="$rd_s" -v cs="$ch_s" \
      -v rk="$rd_kb" -v qk="$q_kb" -v rec="${records:-0}" 'BEGIN {
    ws = ws > 0 ? ws : 0.01; rs = rs > 0 ? rs : 0.01; cs = cs > 0 ? cs : 0.01;
    printf "%-10s %6.0f %9d %8.0f %8.0f %9.0f %6.1f%% %8.0f %6.1f%% %7.1f %7.1f\n", f, b/1e6, l,
           b/1e6/ws, b/1e6/rs, rec/rs, 100*ws/rs, b/1e6/cs, 100*ws/cs, rk/1024, qk/1024 }'
  if [[ "${rejected:-x}" != 0 || "${q_rejected:-x}" != 0 ]]; then
    echo "  $fmt: rejected lines: ${rejected:-?} (full), ${q_rejected:-?} (quarter)" >&2
    status=1
  fi
done
echo "(read = callhome inputs --year 2024 FILE; conn = callhome conn --year 2024 FILE >/dev/null;"
echo " X/wc = wc -l time / X time; RSS of the read, at full size and on the first quarter)"
exit $status
