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

}  // namespace callhome
