#!/usr/bin/env bash
# End-to-end throughput of `callhome conn` on a generated ~1 GB capture, against a raw
# sequential read of the same file and against tshark's conversation statistics, in one run
# so the ratios hold on a shared, noisy machine.
#
#   bench/conn_throughput.sh [connections=500000] [--no-tshark]
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-500000}
run_tshark=1
[[ "${2:-}" == "--no-tshark" || "${1:-}" == "--no-tshark" ]] && run_tshark=0
[[ "$conns" =~ ^[0-9]+$ ]] || conns=500000

build=${BUILD:-build}  # build directory to measure
cmake --build "$build" --target callhome gen_capture >/dev/null
data=${BENCH_DIR:-/tmp/callhome-bench}
mkdir -p "$data"
pcap="$data/bench-$conns.pcap"
[[ -f "$pcap" && "$pcap" -nt "$build/bench/gen_capture" ]] || "$build/bench/gen_capture" "$pcap" "$conns" 1 4096 128
bytes=$(stat -c %s "$pcap")
packets=$(capinfos -c -M "$pcap" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')

measure() {  # prints "wall_seconds max_rss_kb"
  /usr/bin/time -f "%e %M" -o "$data/time.out" "$@" >/dev/null 2>"$data/stderr.out"
  cat "$data/time.out"
}
cat "$pcap" >/dev/null  # warm the page cache so every run reads from memory
read -r raw_s raw_kb < <(measure dd if="$pcap" of=/dev/null bs=4M)
read -r ch_s ch_kb < <(measure "$build/callhome" conn --stats "$pcap")
live=$(sed -n 's/.* \([0-9]*\) peak live connections.*/\1/p' "$data/stderr.out")
nconn=$(sed -n 's/.*, \([0-9]*\) connections,.*/\1/p' "$data/stderr.out")
read -r base_s base_kb < <(measure "$build/callhome" --version)

awk -v b="$bytes" -v p="$packets" -v rs="$raw_s" -v cs="$ch_s" -v ck="$ch_kb" -v bk="$base_kb" \
    -v live="$live" -v n="$nconn" 'BEGIN {
  printf "capture: %.0f MB, %d packets, %d connections\n", b/1e6, p, n;
  printf "raw read (dd bs=4M):  %6.2f s  %8.0f MB/s\n", rs, b/1e6/rs;
  printf "callhome conn:        %6.2f s  %8.0f MB/s  %10.0f packets/s  = %.0f%% of the raw read\n",
         cs, b/1e6/cs, p/cs, 100*rs/cs;
  printf "peak memory: %.0f MB (%.0f MB at start); %d peak live connections: %.0f bytes per live connection\n",
         ck/1024, bk/1024, live, (ck-bk)*1024/(live>0?live:1);
}'
if ((run_tshark)) && command -v tshark >/dev/null; then
  read -r ts_s ts_kb < <(measure tshark -n -q -r "$pcap" -z conv,tcp -z conv,udp)
  awk -v b="$bytes" -v ts="$ts_s" -v cs="$ch_s" -v tk="$ts_kb" 'BEGIN {
    printf "tshark conv,tcp+udp:  %6.2f s  %8.0f MB/s  peak %.0f MB;  callhome is %.0fx faster\n",
           ts, b/1e6/ts, tk/1024, ts/cs }'
fi
