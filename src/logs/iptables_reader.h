// Linux netfilter log lines (the iptables/nftables LOG target, UFW, Shorewall, firewalld,
// SuSEfirewall2, UniFi rule tags) inside any syslog or journal wrapper (see syslog_header.h):
//   kernel: [ 1234.567890] [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=10.0.0.5 DST=1.2.3.4 LEN=60
//   TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0
// One line is one packet the firewall saw: each becomes one Connection from SRC to DST with
// orig_pkts 1 and orig_ip_bytes LEN, the verdict taken from the log prefix.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_iptables(std::string_view head);
void read_iptables(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

// The verdict a log prefix names: "[UFW BLOCK]", "Shorewall:net2fw:DROP:", "FINAL_REJECT:",
// "filter_IN_public_REJECT:", "SFW2-INext-ACC-TCP", UniFi "[WAN_IN-D]" (drop) / "-A]" (accept) /
// "-R]" (reject). Words that name no verdict (LOG, AUDIT, a bare rule name) give unknown.
Action netfilter_action(std::string_view prefix);

namespace iptables_detail {
// The packet a netfilter message describes (addresses, protocol, ports, TCP history, LEN),
// read into `c` from the message whose "IN=" is at `in`. read_packet searches for each field
// wherever it is and returns why the line is rejected, nullptr when it was read.
// read_packet_fast reads netfilter's usual field order in one pass and returns false for
// anything else (odd spacing, brackets among the fields, protocols other than TCP, UDP and
// ICMP, bad values), leaving that line to read_packet; when it returns true, `c` holds what
// read_packet would have set. Declared here for the tests that check the two agree.
const char* read_packet(std::string_view msg, size_t in, Connection& c);
bool read_packet_fast(std::string_view msg, size_t in, Connection& c);
// Where "IN=" starts the netfilter fields of a message, npos when it has none.
size_t find_in(std::string_view msg);
// Whether two connections hold the same packet fields (those the two functions above set).
bool same_packet(const Connection& a, const Connection& b);
}  // namespace iptables_detail

}  // namespace callhome
