#!/usr/bin/env bash
# Checks bench/zeek_fidelity.py on a miniature Zeek source tree built in a temporary directory
# from the shared corpus (../shared/corpus/zeek: traces, their btest scripts verbatim, Zeek's
# baselines), laid out as in Zeek's repository. It covers one run and btest-diff, two runs cut
# with zeek-cut, btest-diff-cut, three runs renamed with mv (one with ignore_checksums_nets),
# a run with a redef on its command line, a baseline that is no conn log, and a missing trace.
# The checksum setting found for each baseline must match the corpus's PAIRS.tsv, the reference
# connections counted must be the baseline's, and cut baselines must pair with our records.
# The likely server ports of each run come from a few of Zeek's scripts, reduced to the lines
# that register ports (from Zeek at a13de64f) under scripts/.
#
#   bench/zeek_fidelity_selftest.sh   (CALLHOME=path/to/callhome tests another build; KEEP=1
#                                      keeps the temporary tree and the results)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/zeek
if [[ ! -f $corpus/PAIRS.tsv ]]; then
  echo "zeek_fidelity_selftest: $corpus absent, nothing to test" >&2
  exit 77
fi
tmp=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT
bt=$tmp/zeek/testing/btest

# put SOURCE DEST: a corpus file at its place in the fake tree.
put() { mkdir -p "$(dirname "$bt/$2")" && cp "$corpus/$1" "$bt/$2"; }

# Zeek's scripts, only what the likely server ports depend on: in every run the tunnel ports of
# base/packet-protocols (one of them here), with -b only those of the scripts loaded.
script() { mkdir -p "$(dirname "$tmp/zeek/scripts/$1")" && cat >"$tmp/zeek/scripts/$1"; }
script base/init-bare.zeek <<<'@load base/bif/const.bif
@load base/packet-protocols'
script base/init-frameworks-and-bifs.zeek <<<'@load base/frameworks/analyzer'
script base/frameworks/analyzer/__load__.zeek <<<'@load ./main.zeek'
script base/frameworks/analyzer/main.zeek <<<'module Analyzer;
function register_for_port(tag: Analyzer::Tag, p: port) : bool
	{ return __register_for_port(tag, p); }'
script base/packet-protocols/__load__.zeek <<<'@load ./main.zeek
@load base/packet-protocols/teredo'
script base/packet-protocols/main.zeek <<<'module PacketAnalyzer;'
script base/packet-protocols/teredo/__load__.zeek <<<'@load ./main'
script base/packet-protocols/teredo/main.zeek <<<'module PacketAnalyzer::TEREDO;
export {
	const teredo_ports = { 3544/udp } &redef;
}
event zeek_init() &priority=20
	{
	PacketAnalyzer::register_for_ports(PacketAnalyzer::ANALYZER_UDP, PacketAnalyzer::ANALYZER_TEREDO, teredo_ports);
	}'
script base/protocols/conn/__load__.zeek <<<'@load ./main'
script base/protocols/conn/main.zeek <<<'module Conn;'
script base/frameworks/notice/weird.zeek <<<'module Weird;'
script base/protocols/http/__load__.zeek <<<'@load ./main'
script base/protocols/http/main.zeek <<<'module HTTP;
export {
	const ports = {
		80/tcp, 81/tcp, 631/tcp, 1080/tcp, 3128/tcp,
		8000/tcp, 8080/tcp, 8888/tcp,
	};
}
event zeek_init() &priority=5
	{
	Analyzer::register_for_ports(Analyzer::ANALYZER_HTTP, ports);
	}'

put tcp__missing-syn.pcap Traces/tcp/missing-syn.pcap
put tcp__missing-syn.btest.missing-syn.zeek.txt core/tcp/missing-syn.zeek
put tcp__missing-syn.conn.log Baseline/core.tcp.missing-syn/conn.log

put tcp__one-sided-2745.pcap Traces/tcp/one-sided-2745.pcap
put tcp__ctu-64702-888.pcap Traces/tcp/ctu-64702-888.pcap
put tcp__one-sided-2745.btest.conn-size-flip.zeek.txt core/conn-size-flip.zeek
put tcp__one-sided-2745.conn.cut.log Baseline/core.conn-size-flip/conn.log.one-sided
put tcp__ctu-64702-888.conn.cut.log Baseline/core.conn-size-flip/conn.log.ctu

put gnutella__max-header.pcapng Traces/gnutella/max-header.pcapng
put gnutella__max-header.btest.max-header-length.zeek.txt \
  scripts/base/protocols/gnutella/max-header-length.zeek
put gnutella__max-header.conn.cut.log \
  Baseline/scripts.base.protocols.gnutella.max-header-length/conn.log

put chksums__localhost-bad-chksum.pcap Traces/chksums/localhost-bad-chksum.pcap
put chksums__localhost-bad-chksum.btest.checksums_ignore_nets.test.txt \
  core/checksums_ignore_nets.test
put chksums__localhost-bad-chksum.conn-worked.log Baseline/core.checksums_ignore_nets/conn-worked.log
put chksums__localhost-bad-chksum.conn-failed.log Baseline/core.checksums_ignore_nets/conn-failed.log

# A redef of likely_server_ports in the test.
put udp-broadcast.pcap Traces/udp-broadcast.pcap
put udp-broadcast.btest.udp-broadcast-no-flip.zeek.txt core/udp-broadcast-no-flip.zeek
put udp-broadcast.conn.cut.log Baseline/core.udp-broadcast-no-flip/conn.log.cut

put tcp__retransmit-timeout.pcapng Traces/tcp/retransmit-timeout.pcapng
put tcp__retransmit-timeout.btest.expire-all-timers.zeek.txt core/expire-all-timers.zeek
put tcp__retransmit-timeout.conn-all.log Baseline/core.expire-all-timers/conn-all.log
put tcp__retransmit-timeout.conn-limited.log Baseline/core.expire-all-timers/conn-limited.log

# Not a conn log: ignored. A trace that is not there: reported, not compared.
put http__get.pcap Traces/http/get.pcap
put http__get.btest.reassembly-known-ports.zeek.txt core/tcp/reassembly-known-ports.zeek
put http__get.conn.log Baseline/core.tcp.reassembly-known-ports/http.log
mkdir -p "$bt/core/absent"
printf '# @TEST-EXEC: zeek -r $TRACES/absent.pcap\n# @TEST-EXEC: btest-diff conn.log\n' \
  >"$bt/core/absent/trace.zeek"
put tcp__missing-syn.conn.log Baseline/core.absent.trace/conn.log

python3 bench/zeek_fidelity.py "$tmp/zeek" --out "$tmp/out" ${CALLHOME:+--callhome "$CALLHOME"} \
  >"$tmp/report.txt"
cat "$tmp/report.txt"
results=$tmp/out/results.tsv
fail=0
check() {  # check WHAT EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1: expected '$2', got '$3'" >&2
    fail=1
  fi
}

# baseline -> "checksums status ref paired": what the script found and parsed. How well callhome
# agrees (core, full) is what the script measures, not what this test checks.
row() { awk -F'\t' -v b="$1" '$2 == b {print $4, $7, $8, $10}' "$results"; }
check missing-syn "ignore ok 1 1" "$(row Baseline/core.tcp.missing-syn/conn.log)"
check one-sided "ignore ok 2 2" "$(row Baseline/core.conn-size-flip/conn.log.one-sided)"
check ctu "ignore ok 1 1" "$(row Baseline/core.conn-size-flip/conn.log.ctu)"
check gnutella "verify ok 1 1" \
  "$(row Baseline/scripts.base.protocols.gnutella.max-header-length/conn.log)"
check chksums-worked "ignore ok 1 1" "$(row Baseline/core.checksums_ignore_nets/conn-worked.log)"
check chksums-failed "verify ok 2" \
  "$(row Baseline/core.checksums_ignore_nets/conn-failed.log | cut -d' ' -f1-3)"
check conn-all "ignore ok 2 2" "$(row Baseline/core.expire-all-timers/conn-all.log)"
check conn-limited "ignore ok 1" "$(row Baseline/core.expire-all-timers/conn-limited.log | cut -d' ' -f1-3)"
check absent "missing-trace" "$(row Baseline/core.absent.trace/conn.log | cut -d' ' -f2)"
check udp-broadcast "verify ok 1 1" "$(row Baseline/core.udp-broadcast-no-flip/conn.log.cut)"
check rows 10 "$(($(wc -l <"$results") - 1))"
# The run with max_timer_expires=0 on its command line is flagged; the one without is not.
check conn-all-redef T "$(awk -F'\t' '$2 ~ /conn-all/ {print $6}' "$results")"
check conn-limited-redef F "$(awk -F'\t' '$2 ~ /conn-limited/ {print $6}' "$results")"

# The likely server ports of each run: -b with base/protocols/conn has only the tunnel port;
# base/protocols/http adds its ports; the gnutella test's register_for_port (one port) adds none;
# the udp-broadcast test's redef adds 40190/udp; a run without -b has callhome's default.
ports() { awk -F'\t' -v b="$1" '$2 == b {print $13}' "$results"; }
check ports-missing-syn "80/tcp,81/tcp,631/tcp,1080/tcp,3128/tcp,8000/tcp,8080/tcp,8888/tcp,3544/udp" \
  "$(ports Baseline/core.tcp.missing-syn/conn.log)"
check ports-chksums-failed 3544/udp "$(ports Baseline/core.checksums_ignore_nets/conn-failed.log)"
check ports-gnutella 3544/udp \
  "$(ports Baseline/scripts.base.protocols.gnutella.max-header-length/conn.log)"
check ports-udp-broadcast 3544/udp,40190/udp "$(ports Baseline/core.udp-broadcast-no-flip/conn.log.cut)"
check ports-absent default "$(ports Baseline/core.absent.trace/conn.log)"

# Every checksum setting agrees with PAIRS.tsv (baselines there are named STEM.KIND); seven of
# its rows are in the tree above.
paired_checks=0
while IFS=$'\t' read -r stem _ baseline checksums; do
  [[ $stem == \#* ]] && continue
  kind=${baseline#"$stem".}
  case $kind in
    conn.log | conn.cut.log) pattern="/conn\\.log" ;;
    *) pattern="/${kind%.log}" ;;
  esac
  found=$(awk -F'\t' -v s="${stem#*__}" -v p="$pattern" \
    'index($3, s) && $2 ~ p {print $4; exit}' "$results")
  [[ -n $found ]] && check "checksums of $baseline" "$checksums" "$found" && ((++paired_checks))
done <"$corpus/PAIRS.tsv"
check "PAIRS.tsv rows checked" 8 "$paired_checks"

if ((fail)); then
  echo "zeek_fidelity_selftest: FAILED" >&2
  exit 1
fi
echo "zeek_fidelity_selftest: ok"
