// Windows Firewall log (pfirewall.log), W3C extended format:
//   #Version: 1.5
//   #Software: Microsoft Windows Firewall
//   #Time Format: Local
//   #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn
//            tcpack tcpwin icmptype icmpcode info path [pid]
//   2023-11-26 22:27:57 DROP TCP 192.168.10.106 192.229.221.95 65457 80 0 - 0 0 0 - - - SEND 1360
// Columns are found through #Fields (the default 1.5 order when it is missing); times are
// local (the site zone). One line is one packet: src is the originator; path says which side
// is this host (SEND: outbound from it, RECEIVE: inbound to it). DROP is blocked; ALLOW, and
// XP's OPEN / OPEN-INBOUND, allowed. XP's CLOSE line ends a connection an OPEN line began: the
// pair becomes one Connection with the duration between them. INFO-EVENTS-LOST is noted.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_winfw(std::string_view head);
void read_winfw(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
